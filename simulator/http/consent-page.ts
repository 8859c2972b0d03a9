/**
 * The pages a merchant sees at Intuit: the consent form (pick a company, Connect or Cancel), the page
 * shown when there is no company yet, and error pages. Plain, accessible HTML that a browser, or a
 * script reading the form (consent-client.ts), can submit.
 */

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  scope: string;
  state: string | undefined;
  responseType: string;
}

export interface CompanyChoice {
  realmId: string;
  name: string;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] as string);
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – Intuit (QuickBooks simulator)</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; padding: 0 1rem; color: #1f2328; }
  fieldset { border: 1px solid #c9ced4; border-radius: 6px; padding: 1rem; }
  label { display: block; padding: .35rem 0; }
  .actions { margin-top: 1.5rem; display: flex; gap: .75rem; }
  button { font-size: 1rem; padding: .5rem 1.25rem; border-radius: 4px; border: 1px solid #2ca01c; cursor: pointer; }
  button[value="connect"] { background: #2ca01c; color: #fff; }
  button[value="cancel"] { background: #fff; color: #2ca01c; }
  .error { border-left: 4px solid #d52b1e; padding-left: 1rem; }
</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

function hiddenFields(request: AuthorizationRequest): string {
  const fields: [string, string | undefined][] = [
    ['client_id', request.clientId],
    ['redirect_uri', request.redirectUri],
    ['scope', request.scope],
    ['response_type', request.responseType],
    ['state', request.state],
  ];
  return fields
    .filter((field): field is [string, string] => field[1] !== undefined)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escapeHtml(value)}">`)
    .join('\n');
}

export function consentPage(appName: string, request: AuthorizationRequest, companies: CompanyChoice[]): string {
  const options = companies
    .map(
      (company, index) =>
        `<label><input type="radio" name="realmId" value="${escapeHtml(company.realmId)}"${index === 0 ? ' checked' : ''}> ${escapeHtml(company.name)} <small>(${escapeHtml(company.realmId)})</small></label>`,
    )
    .join('\n');
  return page(
    'Connect to QuickBooks',
    `<h1>Connect ${escapeHtml(appName)} to QuickBooks</h1>
<p>${escapeHtml(appName)} wants access to your QuickBooks Online accounting data (${escapeHtml(request.scope)}).</p>
<form method="post" action="/connect/oauth2/decision">
${hiddenFields(request)}
<fieldset>
<legend>Choose a company</legend>
${options}
</fieldset>
<div class="actions">
<button type="submit" name="decision" value="connect">Connect</button>
<button type="submit" name="decision" value="cancel">Cancel</button>
</div>
</form>`,
  );
}

export function noCompanyPage(appName: string, request: AuthorizationRequest): string {
  return page(
    'No QuickBooks company',
    `<h1>No QuickBooks company to connect</h1>
<p class="error" role="alert">This QuickBooks simulator has no company yet, so ${escapeHtml(appName)} has nothing to connect to.</p>
<p>Create one with the control API (<code>POST /__simulator/companies</code>), or create a demo company here and come back to this page.</p>
<form method="post" action="/connect/oauth2/demo-company">
${hiddenFields(request)}
<button type="submit">Create a demo company</button>
</form>`,
  );
}

export function errorPage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1>\n<p class="error" role="alert">${escapeHtml(message)}</p>`);
}
