/** The ops command line's arguments, checked before anything connects: a typo answers at once. */
import { QUICKBOOKS_ENTITIES, workflowIdForConnection, type QuickBooksEntity } from '../../shared/contract.js';

/** Why a command could not do what was asked; `kind` decides the exit status. */
export class OpsError extends Error {
  override readonly name = 'OpsError';
  constructor(
    readonly kind: 'usage' | 'not_found' | 'refused',
    message: string,
  ) {
    super(message);
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const WORKFLOW_PREFIX = workflowIdForConnection('');

/** A connection id, or its workflow id (`quickbooks-connection-<id>`), as an operator pastes it. */
export function parseConnectionId(value: string | undefined): string {
  if (!value) throw new OpsError('usage', 'a connection id is required');
  const id = value.startsWith(WORKFLOW_PREFIX) ? value.slice(WORKFLOW_PREFIX.length) : value;
  if (!UUID.test(id)) throw new OpsError('usage', `"${value}" is not a connection id (a UUID, or quickbooks-connection-<UUID>)`);
  return id.toLowerCase();
}

/** `since` as an instant: ISO-8601 with a date, not in the future. */
export function parseSince(value: string | undefined, now = new Date()): string {
  if (!value) throw new OpsError('usage', '--since <ISO-8601 instant> is required, e.g. --since 2024-06-01T00:00:00Z');
  const instant = /^\d{4}-\d{2}-\d{2}/.test(value) ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(instant.getTime())) throw new OpsError('usage', `--since "${value}" is not an ISO-8601 date or instant (e.g. 2024-06-01 or 2024-06-01T00:00:00Z)`);
  if (instant.getTime() > now.getTime()) throw new OpsError('usage', `--since ${instant.toISOString()} is in the future`);
  return instant.toISOString();
}

/** `Invoice,Customer` (any case) as QuickBooks entity names; undefined means every entity. */
export function parseEntities(value: string | undefined): QuickBooksEntity[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(',').map((name) => name.trim()).filter(Boolean);
  if (names.length === 0) throw new OpsError('usage', '--entities needs at least one entity');
  const entities = names.map((name) => {
    const entity = QUICKBOOKS_ENTITIES.find((candidate) => candidate.toLowerCase() === name.toLowerCase());
    if (!entity) throw new OpsError('usage', `unknown entity "${name}"; known: ${QUICKBOOKS_ENTITIES.join(', ')}`);
    return entity;
  });
  return [...new Set(entities)];
}
