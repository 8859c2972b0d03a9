import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/**
 * The address a request came from. Behind `trustedProxyHops` proxies we run, each appends the address
 * it saw to X-Forwarded-For, so the entry that many places from the right is the client as our
 * outermost proxy saw it; anything left of it was written by the client and is not believed. With no
 * trusted proxy (the default) the header is ignored and the socket's peer address counts. In-process
 * requests (tests) have neither.
 */
export function clientIp(c: Context, trustedProxyHops: number): string {
  if (trustedProxyHops > 0) {
    const forwarded = (c.req.header('x-forwarded-for') ?? '').split(',').map((entry) => entry.trim()).filter(Boolean);
    const client = forwarded[Math.max(0, forwarded.length - trustedProxyHops)];
    if (client) return client.slice(0, 64);
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
