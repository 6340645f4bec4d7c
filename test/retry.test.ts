import { describe, expect, it } from 'vitest';
import { retrying } from '../src/retry.ts';
import { passesByWaiting, type RetryPolicy, retryDelay } from '../src/retry-policy.ts';

const fixed = (value: number) => () => value;

describe('the retry policy', () => {
  const policy = { baseMs: 100, maxMs: 1000 };

  it('doubles the step from baseMs, caps it at maxMs, and waits between half the step and the step', () => {
    const rows: Array<[retry: number, step: number]> = [
      [0, 100],
      [1, 200],
      [2, 400],
      [3, 800],
      [4, 1000],
      [40, 1000],
    ];
    for (const [retry, step] of rows) {
      expect(retryDelay(retry, { ...policy, random: fixed(0) })).toBe(step / 2);
      expect(retryDelay(retry, { ...policy, random: fixed(0.5) })).toBe(Math.round(step * 0.75));
      expect(retryDelay(retry, { ...policy, random: fixed(0.999999) })).toBe(step);
    }
  });

  it('is deterministic with an injected random, and jittered by it', () => {
    const draws = [0.1, 0.9, 0.1, 0.9];
    const seeded = (): RetryPolicy => {
      let i = 0;
      return { ...policy, random: () => draws[i++ % draws.length] as number };
    };
    const a = seeded();
    const b = seeded();
    const waits = [0, 0, 1, 1].map((retry) => retryDelay(retry, a));
    expect([0, 0, 1, 1].map((retry) => retryDelay(retry, b))).toEqual(waits);
    expect(waits).toEqual([55, 95, 110, 190]);
  });

  it('stays within its bounds with Math.random', () => {
    for (let retry = -1; retry < 20; retry += 1) {
      const step = Math.min(1000, 100 * 2 ** Math.max(0, retry));
      const wait = retryDelay(retry, policy);
      expect(wait).toBeGreaterThanOrEqual(step / 2);
      expect(wait).toBeLessThanOrEqual(1000);
    }
  });

  it('lets only answers about the server pass by waiting', () => {
    const rows: Array<[status: number | undefined, passes: boolean]> = [
      [undefined, true],
      [408, true],
      [429, true],
      [500, true],
      [503, true],
      [507, false],
      [400, false],
      [401, false],
      [404, false],
      [413, false],
    ];
    for (const [status, passes] of rows) expect([status, passesByWaiting(status)]).toEqual([status, passes]);
  });
});

describe('retrying', () => {
  /** A policy whose waits are 0 ms and that records the retries it was asked to wait for. */
  const recording = () => {
    const draws: number[] = [];
    const policy: RetryPolicy = {
      baseMs: 1,
      maxMs: 1,
      random: () => {
        draws.push(draws.length);
        return 0;
      },
    };
    return { policy, draws };
  };

  it('draws one wait from the policy per retry, none after the last attempt', async () => {
    const { policy, draws } = recording();
    const attempts: number[] = [];
    const result = await retrying(async (attempt) => {
      attempts.push(attempt);
      if (attempt < 3) throw new Error('not yet');
      return 'done';
    }, policy);
    expect(result).toBe('done');
    expect(attempts).toEqual([1, 2, 3]);
    expect(draws).toHaveLength(2);

    const exhausted = recording();
    await expect(
      retrying(
        async () => {
          throw new Error('never');
        },
        exhausted.policy,
        { retries: 2 },
      ),
    ).rejects.toThrow('never');
    expect(exhausted.draws).toHaveLength(2);
  });

  it('neither waits nor retries a failure shouldRetry refuses', async () => {
    const { policy, draws } = recording();
    const failures: number[] = [];
    await expect(
      retrying(
        async () => {
          throw new Error('refused');
        },
        policy,
        { shouldRetry: () => false, onFailure: (_, attempt) => failures.push(attempt) },
      ),
    ).rejects.toThrow('refused');
    expect(failures).toEqual([1]);
    expect(draws).toHaveLength(0);
  });

  it('ends a wait at once when the signal aborts, rejecting with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('woken');
    const attempts: number[] = [];
    const waiting = retrying(
      async (attempt) => {
        attempts.push(attempt);
        throw new Error('engine away');
      },
      { baseMs: 600_000, maxMs: 600_000, random: fixed(0) },
      { signal: controller.signal, onFailure: () => setImmediate(() => controller.abort(reason)) },
    );
    await expect(waiting).rejects.toBe(reason);
    expect(attempts).toEqual([1]);
  });
});
