/** @jsxImportSource hono/jsx */
/** An instant as a person reads it ("4 minutes ago"), the exact time in the tooltip and for machines. */
import { ago, exact } from './time.js';

export function When({ iso, now }: { iso: string; now: Date }) {
  const instant = new Date(iso);
  return (
    <time datetime={iso} title={exact(instant)}>
      {ago(instant, now)}
    </time>
  );
}
