import { type RetryPolicy, retryDelay } from '../retry-policy.ts';
import { DeliveryQueue } from './delivery-queue.ts';
import { postBody, type SendOutcome } from './http-sender.ts';
import { fetchTransport, keepAliveTransport, type Transport } from './http-transport.ts';
import { splitSeriesLine } from './metric-event.ts';
import { eventsInLines } from './ndjson-writer.ts';
import { RejectedFile, splitRejected } from './rejected-file.ts';
import type { DeliveryOptions, DeliverySummary, EventSink } from './sink.ts';
import type { Warner } from './warnings.ts';

export interface HttpSinkOptions {
  url: string;
  token?: string;
  /** Default: node:http over one keep-alive connection. */
  fetch?: typeof fetch;
  spillFile: string;
  rejectedFile: string;
  batchSize: number;
  flushIntervalMs: number;
  maxBufferedEvents: number;
  requestTimeoutMs: number;
  closeTimeoutMs: number;
  /** The waits between attempts (the one retry policy, src/retry-policy.ts). */
  backoff: RetryPolicy;
  warner: Warner;
  /** Injectable so tests decide when a timer fires (default: Node's timers). */
  timers?: SinkTimers;
}

/** The timers the sink schedules its background sends with. */
export interface SinkTimers {
  setTimeout(callback: () => void, ms: number): { unref(): unknown };
  clearTimeout(handle: unknown): void;
  setImmediate(callback: () => void): { unref(): unknown };
}

const NODE_TIMERS: SinkTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
  setImmediate: (callback) => setImmediate(callback),
};

/**
 * Why a pump run starts, which decides how much of the in-memory buffer it sends:
 * - `full`: a batch's worth is waiting: send full batches only; the remainder waits for its interval.
 * - `due`: the oldest buffered event has waited `flushIntervalMs` (or a retry is due, or flush/close asked):
 *   send everything buffered when the run starts, then only full batches.
 * A backlog (re-queued lines, the spill file) always goes: those events are already late.
 */
type PumpReason = 'full' | 'due';

type PumpResult = 'idle' | 'failed';

/**
 * Buffers events in memory and delivers them in order, in batches, from a background pump (one run at a time),
 * retrying with back-off and spilling to a file beyond the memory bound (see DeliveryQueue).
 */
export class HttpSink implements EventSink {
  private readonly queue: DeliveryQueue;
  private readonly rejectedFile: RejectedFile;
  private batchSize: number;
  private accepted = 0;
  private settled = 0;
  private inherited = 0;
  private spillInitialized = false;
  private delivered = 0;
  private triples = 0;
  private rejected = 0;
  private attempt = 0;
  private pumping: Promise<PumpResult> | undefined;
  private retryTimer: unknown;
  private kickScheduled = false;
  /** Armed when the buffer goes from empty to non-empty: its oldest event waits at most `flushIntervalMs`. */
  private intervalTimer: unknown;
  private closed = false;
  private inFlight = new AbortController();
  private readonly timers: SinkTimers;
  private readonly sender: { url: string; token?: string; transport: Transport; requestTimeoutMs: number };

  constructor(private readonly options: HttpSinkOptions) {
    this.queue = new DeliveryQueue(options.spillFile, options.maxBufferedEvents, options.warner);
    this.rejectedFile = new RejectedFile(options.rejectedFile);
    this.batchSize = options.batchSize;
    this.timers = options.timers ?? NODE_TIMERS;
    this.sender = {
      url: options.url,
      token: options.token,
      requestTimeoutMs: options.requestTimeoutMs,
      transport: options.fetch ? fetchTransport(options.fetch) : keepAliveTransport(),
    };
  }

  push(event: object): void {
    const inMemory = this.queue.push(event);
    this.accepted += 1;
    if (inMemory === 1) this.armInterval();
    const full = inMemory >= this.batchSize || inMemory > this.options.maxBufferedEvents;
    if (full && !this.kickScheduled) {
      this.kickScheduled = true;
      this.timers
        .setImmediate(() => {
          this.kickScheduled = false;
          this.kick('full');
        })
        .unref();
    }
  }

  private armInterval(): void {
    if (this.intervalTimer !== undefined || this.closed) return;
    const timer = this.timers.setTimeout(() => {
      this.intervalTimer = undefined;
      this.kick('due');
    }, this.options.flushIntervalMs);
    timer.unref();
    this.intervalTimer = timer;
  }

  private disarmInterval(): void {
    if (this.intervalTimer === undefined) return;
    this.timers.clearTimeout(this.intervalTimer);
    this.intervalTimer = undefined;
  }

  flush(options: DeliveryOptions = {}): Promise<DeliverySummary> {
    return this.deliverUntil(this.accepted, deadlineOf(options.timeoutMs));
  }

  async close(options: DeliveryOptions = {}): Promise<DeliverySummary> {
    this.closed = true;
    this.disarmInterval();
    const deadline = deadlineOf(options.timeoutMs ?? this.options.closeTimeoutMs);
    const abortAtDeadline = Number.isFinite(deadline)
      ? setTimeout(() => this.inFlight.abort(), Math.max(0, deadline - Date.now()))
      : undefined;
    const summary = await this.deliverUntil(this.accepted, deadline);
    clearTimeout(abortAtDeadline);
    this.cancelRetry();
    if (summary.complete) {
      this.sender.transport.close();
      return summary;
    }
    await this.pumping;
    this.sender.transport.close();
    await this.persistUndelivered();
    return this.summary(false);
  }

  /** Runs the pump now (ignoring back-off) and keeps retrying until `target` events are settled or the deadline. */
  private async deliverUntil(target: number, deadline: number): Promise<DeliverySummary> {
    this.cancelRetry();
    for (;;) {
      const result = await this.pump(true, 'due');
      if (this.settled - this.inherited >= target) return this.summary(true);
      const remaining = deadline - Date.now();
      if (result === 'idle' || remaining <= 0) break;
      await sleep(Math.min(remaining, retryDelay(this.attempt - 1, this.options.backoff)));
    }
    if (!this.retryTimer) this.scheduleRetry();
    return this.summary(this.settled - this.inherited >= target);
  }

  /** Background trigger: full batch, interval elapsed, or end of a back-off. */
  private kick(reason: PumpReason): void {
    void this.pump(this.retryTimer === undefined, reason).then((result) => {
      if (result === 'failed' && !this.retryTimer) this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.queue.pending === 0) return;
    const timer = this.timers.setTimeout(
      () => {
        this.retryTimer = undefined;
        this.kick('due');
      },
      retryDelay(this.attempt - 1, this.options.backoff),
    );
    timer.unref();
    this.retryTimer = timer;
  }

  private cancelRetry(): void {
    if (this.retryTimer !== undefined) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Serializes pump runs: a new run starts after the current one ends. */
  private pump(send: boolean, reason: PumpReason): Promise<PumpResult> {
    const previous = this.pumping ?? Promise.resolve<PumpResult>('idle');
    const run = previous
      .then(() => this.pumpRun(send, reason))
      .catch((error: unknown) => {
        this.options.warner.fault('delivery', error);
        return 'failed' as const;
      });
    this.pumping = run;
    return run;
  }

  private async pumpRun(send: boolean, reason: PumpReason): Promise<PumpResult> {
    if (!this.spillInitialized) {
      this.spillInitialized = true;
      this.inherited = await this.queue.init();
    }
    // Events that arrive while this run's requests are in flight are not due yet: sending them as soon as a
    // response comes back would turn a steady stream into one small POST per round trip.
    let due = reason === 'due' ? this.queue.inMemory : 0;
    for (;;) {
      await this.spillOverflow();
      if (!send) return 'idle';
      if (this.queue.backlog === 0 && due <= 0 && this.queue.inMemory < this.batchSize) {
        this.rearmInterval();
        return 'idle';
      }
      const batch = await this.queue.nextBatch(this.batchSize);
      if (!batch) {
        this.rearmInterval();
        return 'idle';
      }
      if (batch.fromMemory) due -= batch.count;
      this.inFlight = new AbortController();
      const outcome = await postBody(batch.body, batch.events, this.sender, this.inFlight.signal);
      const written = this.sender.transport.released?.(batch.body) === true;
      if (outcome.kind === 'retry') {
        // The retry sends these very bytes (not a re-serialization of objects the caller may have changed
        // since): the server refuses a known event id with different content.
        if (batch.fromMemory) {
          await batch.remove();
          this.settle(0, 0, batch.count - batch.events);
          this.queue.requeue(batch.lines());
        }
        if (written) batch.release();
        this.attempt += 1;
        this.warnRetry(outcome.reason);
        return 'failed';
      }
      await batch.remove();
      this.attempt = 0;
      const dropped = batch.count - batch.events;
      if (outcome.kind === 'delivered') {
        this.triples += outcome.triples;
        this.settle(batch.events, 0, dropped);
      } else await this.handleRejection(batch.lines(), outcome, dropped);
      if (written) batch.release();
    }
  }

  /** Events left in memory after a run belong to a new interval (their predecessors' timer has fired or gone). */
  private rearmInterval(): void {
    if (this.queue.inMemory > 0) this.armInterval();
    else this.disarmInterval();
  }

  private async spillOverflow(): Promise<void> {
    const { moved, dropped } = await this.queue.spillOverflow();
    if (moved === 0) return;
    this.settle(0, 0, dropped);
    const path = this.queue.spill.path;
    this.options.warner.once(
      'spill',
      `provml client: more than ${this.options.maxBufferedEvents} events are waiting for ${this.options.url}; the ` +
        `oldest are kept in ${path} and sent first once the server answers (or load it with: provml ingest ${path}).`,
    );
  }

  private async handleRejection(
    lines: string[],
    outcome: Extract<SendOutcome, { kind: 'rejected' }>,
    dropped: number,
  ): Promise<void> {
    this.settle(0, 0, dropped);
    if (outcome.status === 413) {
      // Fewer lines per request; a request of one metric series is cut in two series instead.
      const halves = lines.length === 1 ? splitSeriesLine(lines[0] as string) : undefined;
      if (lines.length > 1 || halves) {
        this.batchSize = Math.max(1, Math.floor((halves ? eventsInLines(lines) : lines.length) / 2));
        this.queue.requeue(halves ?? lines);
        return;
      }
    }
    const { rejected: rejectedLines, errors, retry } = splitRejected(lines, outcome.status, outcome.body);
    this.queue.requeue(retry);
    try {
      await this.rejectedFile.write(rejectedLines, outcome.status, outcome.body, errors);
    } catch (error) {
      this.options.warner.fault(`writing ${this.rejectedFile.path}`, error);
    }
    const refused = eventsInLines(rejectedLines);
    this.settle(0, refused);
    this.options.warner.once(
      'rejected',
      `provml client: the server refused ${refused} event(s) (${outcome.reason}); they are kept with ` +
        `the server's reasons in ${this.rejectedFile.path}.`,
    );
  }

  private warnRetry(reason: string): void {
    this.options.warner.once(
      'retry',
      `provml client: cannot deliver events to ${this.options.url} (${reason}); retrying with back-off, ` +
        `buffering up to ${this.options.maxBufferedEvents} events in memory, then in ${this.queue.spill.path}.`,
    );
  }

  /** Counts events that left the queue; `dropped` ones (not serializable) were warned about. */
  private settle(delivered: number, rejected: number, dropped = 0): void {
    this.delivered += delivered;
    this.rejected += rejected;
    this.settled += delivered + rejected + dropped;
  }

  /** After close's deadline: everything undelivered goes to the spill file, oldest first. */
  private async persistUndelivered(): Promise<void> {
    try {
      await this.queue.persistAll();
      const { path, pendingCount } = this.queue.spill;
      this.options.warner.once(
        'close-spill',
        `provml client: ${pendingCount} event(s) were not delivered before close(); they are kept in ${path} ` +
          `(a recorder with the same spillFile sends them, or: provml ingest ${path}).`,
      );
    } catch (error) {
      this.options.warner.fault(`writing the spill file ${this.queue.spill.path}`, error);
    }
  }

  private summary(complete: boolean): DeliverySummary {
    return {
      complete,
      delivered: this.delivered,
      triples: this.triples,
      rejected: this.rejected,
      pending: this.queue.pending,
      spilled: this.queue.spill.pendingCount,
      spillFile: this.queue.spill.path,
      rejectedFile: this.rejectedFile.path,
    };
  }
}

function deadlineOf(timeoutMs: number | undefined): number {
  return timeoutMs === undefined || !Number.isFinite(timeoutMs)
    ? Number.POSITIVE_INFINITY
    : Date.now() + timeoutMs;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
