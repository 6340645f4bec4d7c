export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Source of jitter in [0, 1); injectable so tests are deterministic. */
  random: () => number;
}

// Not src/retry.ts (p-retry): the pump retries from a timer across pump runs, not in one loop, and the
// client imports no package at all (it is loaded into training processes, and installed on its own).

/**
 * Exponential back-off with "equal jitter": half the capped delay is fixed, half is random, so many clients
 * that lost the same server do not retry in lock-step, and the delay never exceeds `maxMs`.
 */
export function backoffDelay(attempt: number, options: BackoffOptions): number {
  const capped = Math.min(options.maxMs, options.baseMs * 2 ** Math.min(attempt, 30));
  const half = capped / 2;
  return Math.round(half + half * options.random());
}
