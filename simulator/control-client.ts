/**
 * A typed client for the simulator's control API (`/__simulator`). Each method is one route and returns
 * its response body; a 4xx/5xx answer throws a SimulatorControlError carrying the status and the
 * simulator's `{"error":{code,message}}` body.
 */
import type {
  ChangeRequest, ChangeResult, ClockBody, CompanySnapshot, CompanySummary, CreatedCompany, DisconnectRequest,
  DisconnectResult, FaultSettings, FaultsBody, GrantSummary, IssuedSecret, ListBody, RequestLogEntry, RequestLogQuery, SimulatorApp, SimulatorConfig,
  SimulatorControl, WebhookDelivery, WebhookSubscription, WebhookSubscriptionRequest,
} from './types.js';

export class SimulatorControlError extends Error {
  override readonly name = 'SimulatorControlError';
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly route: string,
  ) {
    const message = (body as { error?: { message?: string } } | null)?.error?.message ?? JSON.stringify(body);
    super(`${route} answered ${status}: ${message}`);
  }
}

export function createSimulatorControl(baseUrl: string): SimulatorControl {
  const root = `${baseUrl.replace(/\/+$/, '')}/__simulator`;

  async function call<T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, query?: Record<string, string | undefined>): Promise<T> {
    const url = new URL(`${root}${path}`);
    for (const [name, value] of Object.entries(query ?? {})) if (value !== undefined) url.searchParams.set(name, value);
    const response = await fetch(url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const parsed: unknown = text === '' ? null : JSON.parse(text);
    if (!response.ok) throw new SimulatorControlError(response.status, parsed, `${method} /__simulator${path}`);
    return parsed as T;
  }
  const realm = (realmId: string) => `/companies/${encodeURIComponent(realmId)}`;

  return {
    baseUrl,
    createCompany: (request = {}) => call<CreatedCompany>('POST', '/companies', request),
    listCompanies: () => call<ListBody<CompanySummary>>('GET', '/companies'),
    getCompany: (realmId) => call<CompanySummary>('GET', realm(realmId)),
    applyChanges: (realmId, changes: ChangeRequest) => call<ChangeResult>('POST', `${realm(realmId)}/changes`, changes),
    snapshot: (realmId) => call<CompanySnapshot>('GET', `${realm(realmId)}/snapshot`),
    disconnect: (realmId, request: DisconnectRequest = {}) => call<DisconnectResult>('POST', `${realm(realmId)}/disconnect`, request),
    advanceClock: (duration) => call<ClockBody>('POST', '/clock', { advance: duration }),
    now: () => call<ClockBody>('GET', '/clock'),
    setFaults: (settings: FaultSettings) => call<FaultsBody>('POST', '/faults', settings),
    clearFaults: () => call<FaultsBody>('DELETE', '/faults'),
    setConfig: (config: Partial<SimulatorConfig>) => call<SimulatorConfig>('POST', '/config', config),
    getConfig: () => call<SimulatorConfig>('GET', '/config'),
    registerApp: (app: SimulatorApp) => call<{ clientId: string }>('POST', '/apps', app),
    listApps: () => call<ListBody<Omit<SimulatorApp, 'clientSecret'>>>('GET', '/apps'),
    registerWebhook: (subscription: WebhookSubscriptionRequest) => call<WebhookSubscription>('POST', '/webhooks', subscription),
    listWebhooks: () => call<ListBody<WebhookSubscription>>('GET', '/webhooks'),
    clearWebhooks: () => call<ListBody<WebhookSubscription>>('DELETE', '/webhooks'),
    webhookDeliveries: () => call<ListBody<WebhookDelivery>>('GET', '/webhooks/deliveries'),
    requests: (query: RequestLogQuery = {}) => call<ListBody<RequestLogEntry>>('GET', '/requests', undefined, { ...query }),
    clearRequests: () => call<ListBody<RequestLogEntry>>('DELETE', '/requests'),
    grants: (filter = {}) => call<ListBody<GrantSummary>>('GET', '/grants', undefined, { ...filter }),
    tokens: (filter = {}) => call<ListBody<IssuedSecret>>('GET', '/tokens', undefined, { ...filter }),
  };
}
