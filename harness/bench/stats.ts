/** Small statistics for benchmark samples. */

/** The q-quantile (0–1) by linear interpolation between closest ranks; NaN for no samples. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
}

export const median = (samples: readonly number[]) => quantile(samples, 0.5);

export function mean(samples: readonly number[]): number {
  return samples.length === 0 ? Number.NaN : samples.reduce((sum, value) => sum + value, 0) / samples.length;
}

export function round(value: number, digits = 1): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}

/** "p50 12 / p90 20 / p99 31 / max 40 (n=50)" for notes. */
export function describeSamples(samples: readonly number[], unit = ''): string {
  if (samples.length === 0) return 'no samples';
  return `p50 ${round(quantile(samples, 0.5))}${unit} / p90 ${round(quantile(samples, 0.9))}${unit} / p99 ${round(quantile(samples, 0.99))}${unit} / max ${round(Math.max(...samples))}${unit} (n=${samples.length})`;
}
