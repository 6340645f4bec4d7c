// The batching policy of the HTTP sink, on timers the test fires itself (no wall-clock waits): a batch goes when
// it is full or when its oldest event has waited flushIntervalMs, close() sends at once, and a retry resends the
// same bytes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { HttpSink, type SinkTimers } from '../../src/client/http-sink.ts';
import { Warner } from '../../src/client/warnings.ts';
import { type RetryPolicy, retryDelay } from '../../src/retry-policy.ts';

interface Scheduled {
  kind: 'timeout' | 'immediate';
  ms: number;
  callback: () => void;
}

/** Timers that fire only when the test says so. */
class ManualTimers implements SinkTimers {
  scheduled: Scheduled[] = [];
  setTimeout(callback: () => void, ms: number) {
    const entry: Scheduled = { kind: 'timeout', ms, callback };
    this.scheduled.push(entry);
    return Object.assign(entry, { unref: () => entry });
  }
  clearTimeout(handle: unknown): void {
    this.scheduled = this.scheduled.filter((entry) => entry !== handle);
  }
  setImmediate(callback: () => void) {
    const entry: Scheduled = { kind: 'immediate', ms: 0, callback };
    this.scheduled.push(entry);
    return Object.assign(entry, { unref: () => entry });
  }
  pending(kind: Scheduled['kind']): number[] {
    return this.scheduled.filter((entry) => entry.kind === kind).map((entry) => entry.ms);
  }
  fire(kind: Scheduled['kind']): void {
    const due = this.scheduled.filter((entry) => entry.kind === kind);
    this.scheduled = this.scheduled.filter((entry) => entry.kind !== kind);
    for (const entry of due) entry.callback();
  }
}

/** A fetch whose answers the test releases (or that answers 202 at once when `auto`). */
class ScriptedFetch {
  bodies: string[] = [];
  private answers: Array<(response: Response) => void> = [];
  auto = true;
  failNext = 0;
  readonly fetch = (async (_url: unknown, init?: RequestInit) => {
    this.bodies.push(String(init?.body));
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new TypeError('fetch failed');
    }
    const lines = String(init?.body).trim().split('\n').length;
    const ok = () => new Response(JSON.stringify({ events: lines, triples: lines }), { status: 202 });
    if (this.auto) return ok();
    return new Promise<Response>((resolve) => this.answers.push(() => resolve(ok())));
  }) as typeof fetch;
  release(): void {
    for (const answer of this.answers.splice(0)) answer(new Response());
  }
  batchSizes(): number[] {
    return this.bodies.map((body) => body.trim().split('\n').length);
  }
}

/** Lets every pending promise continuation run (the pump's memory path does no I/O once initialized). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

let dir: string;
let timers: ManualTimers;
let fetcher: ScriptedFetch;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'provml-sink-'));
  timers = new ManualTimers();
  fetcher = new ScriptedFetch();
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function openSink(
  batchSize = 10,
  flushIntervalMs = 1000,
  backoff: RetryPolicy = { baseMs: 10, maxMs: 10, random: () => 0.5 },
): Promise<HttpSink> {
  const sink = new HttpSink({
    url: 'http://127.0.0.1:9',
    fetch: fetcher.fetch,
    spillFile: join(dir, 'spill.ndjson'),
    rejectedFile: join(dir, 'rejected.ndjson'),
    batchSize,
    flushIntervalMs,
    maxBufferedEvents: 10_000,
    requestTimeoutMs: 10_000,
    closeTimeoutMs: 10_000,
    backoff,
    warner: new Warner(() => {}),
    timers,
  });
  await sink.flush(); // reads the (absent) spill file once, so later pump runs do no I/O
  return sink;
}

const events = (count: number, from = 0): object[] =>
  Array.from({ length: count }, (_, i) => ({ type: 'evaluation', value: from + i }));

describe('HTTP sink batching', () => {
  it('holds fewer than batchSize events until flushIntervalMs has passed, then sends them in one request', async () => {
    const sink = await openSink(10, 1000);
    for (const event of events(3)) sink.push(event);
    await settle();
    expect(fetcher.bodies).toEqual([]);
    expect(timers.pending('timeout')).toEqual([1000]);
    expect(timers.pending('immediate')).toEqual([]);
    timers.fire('timeout');
    await settle();
    expect(fetcher.batchSizes()).toEqual([3]);
    await sink.close();
  });

  it('sends a full batch at once, without waiting for the interval', async () => {
    const sink = await openSink(10, 1000);
    for (const event of events(10)) sink.push(event);
    expect(timers.pending('immediate')).toHaveLength(1);
    timers.fire('immediate');
    await settle();
    expect(fetcher.batchSizes()).toEqual([10]);
    await sink.close();
  });

  it('sends full batches of a stream and lets the remainder wait for its interval', async () => {
    const sink = await openSink(10, 1000);
    for (const event of events(25)) sink.push(event);
    timers.fire('immediate');
    await settle();
    expect(fetcher.batchSizes()).toEqual([10, 10]);
    timers.fire('timeout');
    await settle();
    expect(fetcher.batchSizes()).toEqual([10, 10, 5]);
    await sink.close();
  });

  it('does not send the events that arrived during a request as soon as its answer comes back', async () => {
    fetcher.auto = false;
    const sink = await openSink(10, 1000);
    for (const event of events(10)) sink.push(event);
    timers.fire('immediate');
    await settle();
    expect(fetcher.batchSizes()).toEqual([10]);
    for (const event of events(3, 10)) sink.push(event);
    fetcher.release();
    await settle();
    expect(fetcher.batchSizes()).toEqual([10]);
    expect(timers.pending('timeout')).toEqual([1000]);
    timers.fire('timeout');
    await settle();
    expect(fetcher.batchSizes()).toEqual([10, 3]);
    fetcher.release();
    await settle();
    fetcher.auto = true;
    expect(await sink.close()).toMatchObject({ complete: true, delivered: 13 });
  });

  it('close() sends what is buffered at once and leaves no timer behind', async () => {
    const sink = await openSink(10, 60_000);
    for (const event of events(3)) sink.push(event);
    const summary = await sink.close();
    expect(summary).toMatchObject({ complete: true, delivered: 3, pending: 0 });
    expect(fetcher.batchSizes()).toEqual([3]);
    expect(timers.pending('timeout')).toEqual([]);
  });

  it('flush() sends a partial batch at once', async () => {
    const sink = await openSink(10, 60_000);
    for (const event of events(4)) sink.push(event);
    expect(await sink.flush()).toMatchObject({ complete: true, delivered: 4 });
    expect(fetcher.batchSizes()).toEqual([4]);
    await sink.close();
  });

  it('resends the same bytes after a failed request, even if the event object changed since', async () => {
    const sink = await openSink(10, 1000);
    const event = { type: 'evaluation', value: 1 };
    sink.push(event);
    fetcher.failNext = 1;
    timers.fire('timeout');
    await settle();
    expect(fetcher.bodies).toHaveLength(1);
    event.value = 2;
    expect(timers.pending('timeout')).toHaveLength(1); // the back-off
    timers.fire('timeout');
    await settle();
    expect(fetcher.bodies).toHaveLength(2);
    expect(fetcher.bodies[1]).toBe(fetcher.bodies[0]);
    expect(await sink.close()).toMatchObject({ complete: true, delivered: 1 });
  });

  it('waits between attempts as the retry policy says, the step doubling per failure and reset by a delivery', async () => {
    const policy: RetryPolicy = { baseMs: 100, maxMs: 1000, random: () => 0.5 };
    const sink = await openSink(10, 1000, policy);
    sink.push({ type: 'evaluation', value: 1 });
    fetcher.failNext = 3;
    const waits: number[] = [];
    for (let failure = 0; failure < 3; failure++) {
      timers.fire('timeout');
      await settle();
      waits.push(...timers.pending('timeout'));
    }
    expect(waits).toEqual([0, 1, 2].map((retry) => retryDelay(retry, policy)));
    expect(waits).toEqual([75, 150, 300]);
    timers.fire('timeout');
    await settle();
    expect(fetcher.bodies).toHaveLength(4);
    sink.push({ type: 'evaluation', value: 2 });
    fetcher.failNext = 1;
    timers.fire('timeout');
    await settle();
    expect(timers.pending('timeout')).toEqual([retryDelay(0, policy)]);
    expect(await sink.close()).toMatchObject({ complete: true, delivered: 2 });
  });
});
