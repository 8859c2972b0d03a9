/**
 * The dashboard's only stylesheet, served from our origin at /assets/dashboard.css (no build step, no
 * CDN; see api/views/stylesheets.ts). Status is never told by colour alone: every badge and message
 * carries an icon and words. Focus is always visible. No style attributes in the markup: the
 * Content-Security-Policy allows none.
 */
export const DASHBOARD_CSS = `
:root { --ink: #1f2933; --muted: #52606d; --line: #cbd2d9; --bg: #f5f7fa; --card: #fff; --accent: #1a5fb4; --ok: #1e6b37; --ok-bg: #e3f4e8; --warn: #8a4b00; --warn-bg: #fff3d6; --bad: #9b1c1c; --bad-bg: #fde8e8; --off: #3e4c59; --off-bg: #e4e7eb; --wait: #174ea6; --wait-bg: #e3ecfb; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem; z-index: 10; }
header.top { display: flex; align-items: center; justify-content: space-between; gap: 1rem; padding: .75rem 1.5rem; background: #fff; border-bottom: 1px solid var(--line); }
header.top .brand { font-weight: 700; font-size: 1.1rem; }
header.top nav { display: flex; align-items: center; gap: 1rem; flex-wrap: wrap; }
main { max-width: 64rem; margin: 0 auto; padding: 1.5rem; }
h1 { font-size: 1.6rem; margin: 0 0 1rem; } h2 { font-size: 1.25rem; margin: 2rem 0 .75rem; } h3 { font-size: 1.1rem; margin: 0; }
button, .button { font: inherit; cursor: pointer; border-radius: 6px; border: 1px solid var(--accent); background: var(--accent); color: #fff; padding: .45rem 1rem; text-decoration: none; display: inline-block; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--bad); border-color: var(--bad); }
button.link { background: none; border: none; color: var(--accent); padding: 0; text-decoration: underline; }
form.inline { display: inline; }
.flash { display: flex; gap: .6rem; align-items: flex-start; padding: .75rem 1rem; border-radius: 6px; border: 1px solid; margin-bottom: 1rem; }
.flash.success { background: var(--ok-bg); border-color: var(--ok); color: var(--ok); }
.flash.info { background: var(--wait-bg); border-color: var(--wait); color: var(--wait); }
.flash.error { background: var(--bad-bg); border-color: var(--bad); color: var(--bad); }
.flash p { margin: 0; }
.cards { display: grid; gap: 1rem; grid-template-columns: repeat(auto-fill, minmax(20rem, 1fr)); list-style: none; padding: 0; margin: 0; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; position: relative; }
.card.narrow { max-width: 36rem; }
.card header { display: flex; align-items: center; gap: .75rem; }
.card header h3 { flex: 1 1 auto; }
.card .status { margin: .5rem 0 .25rem; }
.card .meta { color: var(--muted); font-size: .9rem; margin: .25rem 0 .75rem; }
.badge { display: inline-flex; align-items: center; gap: .35rem; font-size: .85rem; font-weight: 600; padding: .15rem .6rem; border-radius: 999px; border: 1px solid; white-space: nowrap; }
.badge.active { color: var(--ok); background: var(--ok-bg); }
.badge.needs_reauthorization { color: var(--warn); background: var(--warn-bg); }
.badge.disconnected { color: var(--off); background: var(--off-bg); }
.badge.pending_authorization { color: var(--wait); background: var(--wait-bg); }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0 0 .75rem; }
dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; }
table.counts { border-collapse: collapse; width: 100%; font-size: .95rem; }
table.counts caption { text-align: left; font-weight: 600; padding-bottom: .25rem; }
table.counts th, table.counts td { padding: .2rem .4rem; border-bottom: 1px solid var(--line); text-align: left; }
table.counts td { text-align: right; font-variant-numeric: tabular-nums; }
table.counts tfoot th, table.counts tfoot td { font-weight: 700; border-bottom: none; }
.notice { border-left: 4px solid var(--warn); background: var(--warn-bg); padding: .6rem .8rem; margin: .75rem 0 0; border-radius: 0 6px 6px 0; }
.notice p { margin: 0 0 .5rem; }
.problem { color: var(--bad); font-size: .9rem; }
details.menu { position: relative; }
details.menu > summary { list-style: none; cursor: pointer; border: 1px solid var(--line); border-radius: 6px; padding: .1rem .6rem; font-size: 1.25rem; line-height: 1.4; background: #fff; }
details.menu > summary::-webkit-details-marker { display: none; }
details.menu[open] > summary { background: var(--off-bg); }
details.menu .menu-items { position: absolute; right: 0; top: calc(100% + .25rem); z-index: 5; min-width: 13rem; background: #fff; border: 1px solid var(--line); border-radius: 6px; box-shadow: 0 4px 14px rgba(0,0,0,.12); list-style: none; margin: 0; padding: .35rem; }
details.menu .menu-items li { margin: 0; }
details.menu .menu-items button, details.menu .menu-items a { display: block; width: 100%; text-align: left; background: #fff; color: var(--ink); border: none; border-radius: 4px; padding: .45rem .7rem; text-decoration: none; }
details.menu .menu-items button:hover, details.menu .menu-items a:hover, details.menu .menu-items button:focus-visible, details.menu .menu-items a:focus-visible { background: var(--wait-bg); }
details.menu .menu-items .danger-item { color: var(--bad); }
.integration { display: flex; gap: 1rem; align-items: center; }
.integration .logo { flex: none; width: 3rem; height: 3rem; border-radius: 50%; background: #2ca01c; color: #fff; display: grid; place-items: center; font-weight: 700; }
.integration p { margin: .2rem 0 0; color: var(--muted); }
.integration form { margin-left: auto; }
.empty { color: var(--muted); }
.sign-in { max-width: 28rem; margin: 3rem auto; }
.sign-in label { display: block; font-weight: 600; margin-bottom: .25rem; }
.sign-in input { font: inherit; width: 100%; padding: .5rem; margin-bottom: 1rem; border: 1px solid var(--muted); border-radius: 6px; }
.muted { color: var(--muted); }
table.keys { border-collapse: collapse; width: 100%; margin: 0 0 1rem; background: var(--card); border: 1px solid var(--line); border-radius: 8px; }
table.keys th, table.keys td { padding: .45rem .75rem; border-bottom: 1px solid var(--line); text-align: left; font-weight: normal; }
table.keys thead th { font-weight: 600; color: var(--muted); }
table.keys tr[data-revoked="true"] { color: var(--muted); }
.danger-link { color: var(--bad); }
.secret code { display: block; padding: .75rem; background: var(--off-bg); border-radius: 6px; font-size: 1.05rem; word-break: break-all; user-select: all; }
details.history > summary { cursor: pointer; color: var(--muted); margin: 1rem 0 .5rem; }
.stacked { max-width: 28rem; }
.stacked label { display: block; font-weight: 600; margin-bottom: .25rem; }
.stacked input[type="email"] { font: inherit; width: 100%; padding: .5rem; margin-bottom: .75rem; border: 1px solid var(--muted); border-radius: 6px; box-sizing: border-box; }
.stacked label.check { font-weight: normal; margin-bottom: .75rem; }
.progress { margin: .5rem 0; }
.progress progress { width: 100%; height: 1rem; }
`;
