/** @jsxImportSource hono/jsx */
/** The message shown after an action or after coming back from QuickBooks. */
import type { Flash } from './wording.js';

const ICONS = { success: '✓', info: 'ℹ', error: '⚠' } as const;

export function FlashMessage({ flash }: { flash: Flash | undefined }) {
  if (!flash) return null;
  return (
    <div class={`flash ${flash.tone}`} role={flash.tone === 'error' ? 'alert' : 'status'} data-testid="flash">
      <span aria-hidden="true">{ICONS[flash.tone]}</span>
      <p>{flash.text}</p>
    </div>
  );
}
