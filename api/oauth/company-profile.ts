/**
 * What a merchant recognises their company by. After every authorization the callback reads, with the
 * tokens it just obtained, QuickBooks' CompanyInfo (name, country) and Preferences (home currency); on a
 * first connect also one `SELECT COUNT(*)` per entity, the size of the first backfill, for its progress
 * bar. All best effort: QuickBooks not answering leaves the company unnamed (the realm id stands in) and
 * the backfill without an estimate, and never fails the authorization itself.
 */
import { recordCompanyProfile, type CompanyProfile, type Connection } from '../../db/queries/connections.js';
import { isQuickBooksError } from '../../quickbooks/errors.js';
import type { QuickBooksObject } from '../../quickbooks/types.js';
import { QUICKBOOKS_ENTITIES } from '../../shared/contract.js';
import type { AppServices } from '../services.js';

/** The merchant waits on this page: QuickBooks gets a few seconds, then the callback goes on without. */
const READ_TIMEOUT_MS = 5_000;
const MAX_NAME_CHARS = 200;

function text(value: unknown, maxChars: number): string | null {
  if (typeof value !== 'string') return null;
  // eslint-disable-next-line no-control-regex
  const cleaned = value.replace(/[\u0000-\u001f]/g, ' ').trim();
  return cleaned === '' ? null : cleaned.slice(0, maxChars);
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** The fields we keep from CompanyInfo and Preferences (pure; exported for its unit test). */
export function companyProfileOf(companyInfo: QuickBooksObject | undefined, preferences: QuickBooksObject | undefined): CompanyProfile {
  const currency = record(record(record(preferences?.CurrencyPrefs)?.HomeCurrency))?.value;
  return {
    name: text(companyInfo?.CompanyName, MAX_NAME_CHARS) ?? text(companyInfo?.LegalName, MAX_NAME_CHARS),
    country: text(companyInfo?.Country, 8),
    homeCurrency: text(currency, 8),
  };
}

export async function learnCompany(
  services: AppServices,
  params: { connectionId: string; realmId: string; accessToken: string; companyInfo?: QuickBooksObject | undefined; sizeBackfill: boolean },
): Promise<Connection | undefined> {
  const reader = services.realmProof;
  if (!reader) return undefined;
  const authorized = { realmId: params.realmId, accessToken: params.accessToken, signal: AbortSignal.timeout(READ_TIMEOUT_MS) };
  const attempt = async <T>(what: string, read: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await read();
    } catch (error) {
      const fields = isQuickBooksError(error) ? error.toLogFields() : { errorType: error instanceof Error ? error.name : typeof error };
      services.logger.warn({ connectionId: params.connectionId, realmId: params.realmId, ...fields }, `could not read the company's ${what}; going on without`);
      return undefined;
    }
  };
  const [companyInfo, preferences, total] = await Promise.all([
    params.companyInfo ?? attempt('CompanyInfo', () => reader.companyInfo(authorized)),
    attempt('Preferences', () => reader.preferences(authorized)),
    params.sizeBackfill
      ? attempt('record counts', async () => (await Promise.all(QUICKBOOKS_ENTITIES.map((entity) => reader.count({ ...authorized, entity })))).reduce((sum, count) => sum + count, 0))
      : undefined,
  ]);
  return recordCompanyProfile(services.db, params.connectionId, { profile: companyProfileOf(companyInfo, preferences), backfillEstimatedTotal: total ?? null });
}
