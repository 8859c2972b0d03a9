/** Times as a person reads them ("4 minutes ago"), with the exact instant kept for machines and tooltips. */
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

export function ago(instant: Date, now: Date): string {
  const elapsed = now.getTime() - instant.getTime();
  if (Math.abs(elapsed) < 60_000) return 'just now';
  for (const [unit, ms] of UNITS) {
    if (Math.abs(elapsed) >= ms) return relative.format(-Math.round(elapsed / ms), unit);
  }
  return 'just now';
}

/** "2025-03-04 18:22 UTC" */
export function exact(instant: Date): string {
  return `${instant.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}
