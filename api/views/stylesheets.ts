/**
 * The stylesheets our HTML pages link (`<link rel="stylesheet">`), served from our own origin so the
 * Content-Security-Policy can allow styles from 'self' only: no inline <style>, no style attributes.
 * Each URL carries a hash of its content, so it can be cached for long and still change with a deploy.
 */
import { createHash } from 'node:crypto';
import { DASHBOARD_CSS } from './dashboard/styles.js';

/** The few pages outside the dashboard (Intuit's Disconnect URL): one narrow column. */
const PLAIN_PAGE_CSS = `
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1f2933; }
input, button { font: inherit; padding: 0.5rem; } input { width: 100%; box-sizing: border-box; margin: 0.5rem 0 1rem; }
`;

export interface Stylesheet {
  /** Where pages link it: /assets/<name>.css?v=<content hash>. */
  href: string;
  css: string;
}

function stylesheet(name: string, css: string): Stylesheet {
  const version = createHash('sha256').update(css).digest('hex').slice(0, 12);
  return { href: `/assets/${name}.css?v=${version}`, css };
}

export const STYLESHEETS = {
  dashboard: stylesheet('dashboard', DASHBOARD_CSS),
  plainPage: stylesheet('plain-page', PLAIN_PAGE_CSS),
} as const;

/** The stylesheet served at /assets/<file>, if any. */
export function stylesheetForFile(file: string): Stylesheet | undefined {
  return Object.values(STYLESHEETS).find((sheet) => sheet.href.startsWith(`/assets/${file}?`));
}
