import pRetry from 'p-retry';

// The one retry policy for a task retried until it succeeds or gives up (the remote store's courier,
// `provml ingest`): exponential back-off, doubling from `baseMs` up to `maxMs`, with jitter (each wait is
// drawn from [1, 2) times its step, then capped) so retriers that lost the same server spread out.
// The waiting, counting and cancelling are p-retry's.

export interface RetryPolicy {
  /** The first wait (ms). */
  baseMs: number;
  /** No wait is longer (ms). */
  maxMs: number;
}

export interface RetryOptions {
  /** Retries after the first attempt (default: for ever). */
  retries?: number;
  /** Whether this failure may pass by waiting (default: every failure). */
  shouldRetry?: (error: Error) => boolean;
  /** Runs after every failed attempt, retried or not. */
  onFailure?: (error: Error, attempt: number) => void;
  /** Aborting it ends a wait at once: the call rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** Runs `task` until it resolves; rejects with its last error once that cannot be retried (any more). */
export function retrying<T>(
  task: (attempt: number) => Promise<T>,
  policy: RetryPolicy,
  options: RetryOptions = {},
): Promise<T> {
  return pRetry(task, {
    retries: options.retries ?? Number.POSITIVE_INFINITY,
    factor: 2,
    minTimeout: policy.baseMs,
    maxTimeout: policy.maxMs,
    randomize: true,
    signal: options.signal,
    onFailedAttempt: ({ error, attemptNumber }) => options.onFailure?.(error, attemptNumber),
    shouldRetry: ({ error }) => options.shouldRetry?.(error) ?? true,
  });
}
