import pRetry from 'p-retry';
import { type RetryPolicy, retryDelay } from './retry-policy.ts';

// Runs a task until it succeeds or gives up (the remote store's courier, `provml ingest`), waiting between
// attempts as the one retry policy says (src/retry-policy.ts). p-retry counts the attempts, stops on a failure
// that cannot be retried and on the signal; its own timer is off (`minTimeout: 0`): the wait happens in
// `shouldRetry`, which p-retry calls only when a retry follows, so every wait is `retryDelay`'s and an abort
// during it rejects at once with the signal's reason.

export type { RetryPolicy } from './retry-policy.ts';

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
    minTimeout: 0,
    signal: options.signal,
    onFailedAttempt: ({ error, attemptNumber }) => options.onFailure?.(error, attemptNumber),
    shouldRetry: async ({ error, attemptNumber }) => {
      if (!(options.shouldRetry?.(error) ?? true)) return false;
      await wait(retryDelay(attemptNumber - 1, policy), options.signal);
      return true;
    },
  });
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
