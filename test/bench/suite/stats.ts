/** Latency summary of repeated runs (milliseconds). p95 is nearest-rank: with few samples it is the slowest. */
export interface Summary {
  n: number;
  medianMs: number;
  p95Ms: number;
  minMs: number;
}

export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? Number.NaN)
    : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

export function summarize(samples: readonly number[]): Summary {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    n: sorted.length,
    medianMs: round(median(sorted)),
    p95Ms: round(quantile(sorted, 0.95)),
    minMs: round(sorted[0] ?? Number.NaN),
  };
}

/** Rounds to 3 significant digits (enough for noisy timings, short in JSON). */
export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

export const ratio = (a: number, b: number): number =>
  b > 0 && Number.isFinite(a) ? round(a / b) : Number.NaN;

export const now = (): number => performance.now();

export const errorText = (error: unknown): string => (error instanceof Error ? error.message : String(error));
