/**
 * Durations for `POST /__simulator/clock`: ISO-8601 (`P31D`, `PT2H`, `P1DT2H30M`, `PT0.5S`, `P2W`) and,
 * for convenience, the short forms the rest of the project uses (`30s`, `15m`, `1h`, `7d`).
 * A year counts as 365 days and a month as 30, which is what "advance the clock" needs.
 */
import { parseDuration } from '../../shared/duration.js';

const ISO_DURATION = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

const UNIT_MS = [365 * 86_400_000, 30 * 86_400_000, 7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000];

/** Milliseconds, or undefined when the text is not a positive duration. */
export function parseClockDuration(text: string): number | undefined {
  const trimmed = text.trim();
  const match = ISO_DURATION.exec(trimmed);
  if (match && trimmed !== 'P' && !/T$/i.test(trimmed)) {
    let total = 0;
    UNIT_MS.forEach((unit, index) => {
      const value = match[index + 1];
      if (value !== undefined) total += Number(value) * unit;
    });
    return total > 0 ? Math.round(total) : undefined;
  }
  return parseDuration(trimmed);
}
