// The one retry policy of provml: how long to wait before the next attempt, and which HTTP answers may pass
// by waiting. Its three users take their waits from `retryDelay`: the light client's pump
// (src/client/http-sink.ts), and, through `retrying` (src/retry.ts, on p-retry), the remote store's courier and
// `provml ingest`.
//
// Why a module of its own rather than p-retry everywhere: the client is loaded into training processes and
// imports no package (test/package/pack.test.ts installs it alone, on Node 20; p-retry 9 needs Node >= 22), and
// its pump is not one retry loop: new events keep queueing and go in the same batches while a batch waits, the
// wait is a timer across pump runs (a full batch or flush() starts a run at once), close() with a deadline cuts
// a wait, an overflow spills, a refused batch is split. So the waits are computed here, with no import at all,
// and p-retry keeps what it is good at in the two loops that are loops (counting, stopping, cancelling).
//
// The waits: exponential back-off with "equal jitter". The step doubles from `baseMs` and is capped at `maxMs`;
// half of it is fixed, half random, so retriers that lost the same server spread out, no wait is shorter than
// half its step, and none is longer than `maxMs`.

export interface RetryPolicy {
  /** The first step (ms): the first wait is in [baseMs / 2, baseMs]. */
  baseMs: number;
  /** No wait is longer (ms). */
  maxMs: number;
  /** Source of jitter in [0, 1) (default Math.random); injectable so tests are deterministic. */
  random?: () => number;
}

/** The wait (ms) before retry number `retry` + 1: 0 after the first failure, 1 after the second... */
export function retryDelay(retry: number, policy: RetryPolicy): number {
  const step = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(Math.max(0, retry), 30));
  const half = step / 2;
  return Math.round(half + half * (policy.random ?? Math.random)());
}

/**
 * Whether an HTTP answer says "try again later" about the server, not about the request: no answer at all
 * (`undefined`), 408, 429, or a 5xx other than 507 (the store is full: waiting does not free space).
 */
export function passesByWaiting(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || (status >= 500 && status !== 507);
}
