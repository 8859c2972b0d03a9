/** Parses the short durations used in configuration and control calls: `500ms`, `30s`, `15m`, `1h`, `7d`. */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(value: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
  if (!match) return undefined;
  const [, amount, unit] = match;
  const result = Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  return Number.isFinite(result) && result > 0 ? result : undefined;
}
