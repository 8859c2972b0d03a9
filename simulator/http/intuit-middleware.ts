/**
 * Wraps every Intuit-facing request (OAuth and Accounting API): gives it an Intuit transaction id
 * (`intuit_tid` on OAuth responses, `Intuit-Tid` on API responses, as Intuit spells them), answers the
 * injected 500/503/429 faults, and writes the request log entry once the answer is known.
 */
import type { MiddlewareHandler } from 'hono';
import type { SimulatorEngine } from '../engine/simulator-engine.js';
import type { RequestKind } from '../types.js';
import type { SimulatorEnv } from './env.js';
import type { FaultHandoff } from './fault-handoff.js';
import { authorizationFailed, serviceUnavailable, systemFailure, throttleExceeded } from './intuit-bodies.js';
import { classifyRequest } from './request-kind.js';
import { sleep } from './sleep.js';

export const TID_HEADER: Record<RequestKind, string> = { oauth: 'intuit_tid', api: 'Intuit-Tid' };

export function intuitMiddleware(engine: SimulatorEngine, handoff: FaultHandoff, kind: RequestKind, closing: AbortSignal): MiddlewareHandler<SimulatorEnv> {
  return async (c, next) => {
    const startedAt = performance.now();
    const arrivedAt = Date.now();
    const clockAtArrival = engine.clock.now();
    const url = new URL(c.req.url);
    const intuitTid = engine.newIntuitTid();
    const fault = handoff.take(c.env.incoming);
    c.set('intuitTid', intuitTid);
    c.set('realmId', classifyRequest(url.pathname).realmId);
    c.set('fault', fault);

    if (fault?.kind === '500' || fault?.kind === '503' || fault?.kind === '429' || (fault?.kind === '403' && kind === 'api')) {
      c.res = faultResponse(fault.kind, kind, engine.clock.now());
    } else {
      // API latency is applied later, inside the throttle's concurrency slot (see accounting-routes.ts).
      if (fault?.kind === 'latency' && kind === 'oauth') await sleep(fault.latencyMs, closing);
      await next();
    }
    c.res.headers.set(TID_HEADER[kind], intuitTid);
    engine.requestLog.add({
      at: new Date(arrivedAt).toISOString(),
      clock: new Date(clockAtArrival).toISOString(),
      method: c.req.method,
      path: url.pathname,
      query: url.search,
      realmId: c.get('realmId'),
      status: c.res.status,
      kind,
      intuitTid,
      ...(fault ? { fault: fault.kind } : {}),
      durationMs: Math.round(performance.now() - startedAt),
    });
  };
}

function faultResponse(fault: '500' | '503' | '429' | '403', kind: RequestKind, nowMs: number): Response {
  const status = Number(fault);
  const body =
    kind === 'api'
      ? fault === '429' ? throttleExceeded(nowMs) : fault === '500' ? systemFailure(nowMs) : fault === '403' ? authorizationFailed(nowMs) : serviceUnavailable(nowMs)
      : { error: fault === '500' ? 'server_error' : 'temporarily_unavailable', error_description: fault === '429' ? 'Too many requests' : 'Injected fault' };
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json;charset=UTF-8' } });
}
