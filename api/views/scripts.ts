/**
 * The one script the dashboard links, served from our own origin (the Content-Security-Policy allows
 * no inline script). The page works without it; with it, a message shown after an action or a return
 * from QuickBooks (`?result=`, `?error=`) is shown once: the address loses those parameters at once, so
 * a reload (or the page's own refresh while a first sync runs) does not bring the message back.
 */
import { createHash } from 'node:crypto';

const DASHBOARD_JS = `(function () {
  var url = new URL(window.location.href);
  var changed = false;
  ['result', 'error'].forEach(function (name) {
    if (url.searchParams.has(name)) { url.searchParams.delete(name); changed = true; }
  });
  if (changed && window.history && window.history.replaceState) {
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
  }
})();
`;

export interface Script {
  /** Where pages link it: /assets/<name>.js?v=<content hash>. */
  href: string;
  js: string;
}

function script(name: string, js: string): Script {
  const version = createHash('sha256').update(js).digest('hex').slice(0, 12);
  return { href: `/assets/${name}.js?v=${version}`, js };
}

export const SCRIPTS = { dashboard: script('dashboard', DASHBOARD_JS) } as const;

/** The script served at /assets/<file>, if any. */
export function scriptForFile(file: string): Script | undefined {
  return Object.values(SCRIPTS).find((entry) => entry.href.startsWith(`/assets/${file}?`));
}
