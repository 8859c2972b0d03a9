/**
 * QuickBooks answers in the company's local time with an explicit offset ("2025-03-04T10:22:01-08:00").
 * Every simulated company lives in US Pacific time; the US daylight-saving rule (since 2007) is
 * computed here rather than through Intl so that formatting 100,000 timestamps stays cheap.
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const STANDARD_OFFSET_MINUTES = -480;
const DAYLIGHT_OFFSET_MINUTES = -420;

const dstCache = new Map<number, [number, number]>();

/** UTC instants at which daylight time starts and ends in the given year. */
function daylightWindow(year: number): [number, number] {
  let window = dstCache.get(year);
  if (!window) {
    const march1 = Date.UTC(year, 2, 1);
    const firstSundayMarch = 1 + ((7 - new Date(march1).getUTCDay()) % 7);
    const secondSundayMarch = firstSundayMarch + 7;
    const november1 = Date.UTC(year, 10, 1);
    const firstSundayNovember = 1 + ((7 - new Date(november1).getUTCDay()) % 7);
    // 02:00 local standard time = 10:00 UTC; 02:00 local daylight time = 09:00 UTC.
    window = [Date.UTC(year, 2, secondSundayMarch, 10), Date.UTC(year, 10, firstSundayNovember, 9)];
    dstCache.set(year, window);
  }
  return window;
}

export function companyOffsetMinutes(utcMs: number): number {
  const [year] = civilFromDays(Math.floor(utcMs / DAY_MS));
  const [start, end] = daylightWindow(year);
  return utcMs >= start && utcMs < end ? DAYLIGHT_OFFSET_MINUTES : STANDARD_OFFSET_MINUTES;
}

const pad2 = (value: number) => (value < 10 ? `0${value}` : String(value));

/** Year, month (1-12) and day of a count of days since 1970-01-01 (H. Hinnant's civil_from_days; no Date objects on the hot path). */
function civilFromDays(days: number): [number, number, number] {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor((dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365);
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

function formatDate(days: number): string {
  const [year, month, day] = civilFromDays(days);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/**
 * `2025-03-04T10:22:01-08:00`: company-local, whole seconds (floored), as in MetaData times. With
 * `millis`, `2025-03-04T10:22:01.387-08:00`, as in a response's `time`.
 */
export function formatCompanyTime(utcMs: number, options: { millis?: boolean } = {}): string {
  const offset = companyOffsetMinutes(utcMs);
  const localMs = Math.floor(utcMs) + offset * 60_000;
  const days = Math.floor(localMs / DAY_MS);
  const msOfDay = localMs - days * DAY_MS;
  const seconds = Math.floor(msOfDay / 1000);
  const fraction = options.millis ? `.${String(msOfDay % 1000).padStart(3, '0')}` : '';
  const time = `${pad2(Math.floor(seconds / 3600))}:${pad2(Math.floor(seconds / 60) % 60)}:${pad2(seconds % 60)}${fraction}`;
  const abs = Math.abs(offset);
  return `${formatDate(days)}T${time}${offset < 0 ? '-' : '+'}${pad2(Math.floor(abs / 60))}:${pad2(abs % 60)}`;
}

/** The company-local calendar date (`YYYY-MM-DD`) of an instant, plus whole days: what QuickBooks puts in TxnDate and DueDate. */
export function companyDate(utcMs: number, plusDays = 0): string {
  return formatDate(companyDay(utcMs) + plusDays);
}

/** Days since 1970-01-01 of the company-local date of an instant. */
export function companyDay(utcMs: number): number {
  return Math.floor((utcMs + companyOffsetMinutes(utcMs) * 60_000) / DAY_MS);
}

/** Converts a company-local wall-clock time (given as if it were UTC) to the real UTC instant. */
function localWallClockToUtc(wallClockAsUtcMs: number): number {
  // Try the standard offset first; if the result falls inside daylight time, use the daylight one.
  const asStandard = wallClockAsUtcMs - STANDARD_OFFSET_MINUTES * 60_000;
  if (companyOffsetMinutes(asStandard) === STANDARD_OFFSET_MINUTES) return asStandard;
  return wallClockAsUtcMs - DAYLIGHT_OFFSET_MINUTES * 60_000;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses the timestamps consumers put in queries and CDC calls: ISO-8601 with any offset or `Z`.
 * A timestamp without an offset, or a bare date, is read in the company's time zone, as QuickBooks does.
 * Returns epoch milliseconds, or undefined when the text is not a valid timestamp.
 */
export function parseTimestamp(text: string): number | undefined {
  const match = TIMESTAMP.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '00', mi = '00', s = '00', fraction, zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 59) return undefined;
  const millis = fraction ? Math.floor(Number(`0${fraction}`) * 1000) : 0;
  const wallClock = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  if (new Date(wallClock).getUTCDate() !== day) return undefined; // e.g. 2025-02-30
  if (zone === undefined) return localWallClockToUtc(wallClock);
  if (zone.toUpperCase() === 'Z') return wallClock;
  const zoneMatch = /^([+-])(\d{2}):?(\d{2})$/.exec(zone);
  if (!zoneMatch) return undefined;
  const offsetMinutes = (zoneMatch[1] === '-' ? -1 : 1) * (Number(zoneMatch[2]) * 60 + Number(zoneMatch[3]));
  return wallClock - offsetMinutes * 60_000;
}

export const TIME = { HOUR_MS, DAY_MS } as const;
