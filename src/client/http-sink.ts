import { type BackoffOptions, backoffDelay } from './backoff.ts';
import { postLines, type SendOutcome } from './http-sender.ts';
import { RejectedFile, splitRejected } from './rejected-file.ts';
import type { DeliveryOptions, DeliverySummary, EventSink } from './sink.ts';
import { eventLine } from './sink.ts';
import { SpillFile } from './spill-file.ts';
import type { Warner } from './warnings.ts';

export interface HttpSinkOptions {
  url: string;
  token?: string;
  fetch: typeof fetch;
  spillFile: string;
  rejectedFile: string;
  batchSize: number;
  flushIntervalMs: number;
  maxBufferedEvents: number;
  requestTimeoutMs: number;
  closeTimeoutMs: number;
  backoff: BackoffOptions;
  warner: Warner;
}

interface Batch {
  lines: string[];
  /** Events the batch takes from its source (more than `lines` when some could not be serialized). */
  count: number;
  /** Removes the batch from where it came from (it was delivered, rejected or moved to the head). */
  remove(): Promise<void>;
}

type PumpResult = 'idle' | 'failed';

/**
 * Buffers events in memory and delivers them in order, in batches, from a background pump. Undelivered events
 * live, oldest first, in: `head` (lines re-queued after a split batch) → spill file → `memory`.
 * One pump runs at a time, so the three never change under a send.
 */
export class HttpSink implements EventSink {
  private memory: object[] = [];
  private head: string[] = [];
  private readonly spill: SpillFile;
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
  private retryTimer: NodeJS.Timeout | undefined;
  private kickScheduled = false;
  private readonly interval: NodeJS.Timeout;
  private inFlight = new AbortController();

  constructor(private readonly options: HttpSinkOptions) {
    this.spill = new SpillFile(options.spillFile);
    this.rejectedFile = new RejectedFile(options.rejectedFile);
    this.batchSize = options.batchSize;
    this.interval = setInterval(() => this.kick(), options.flushIntervalMs);
    this.interval.unref();
  }

  push(event: object): void {
    this.memory.push(event);
    this.accepted += 1;
    const full = this.memory.length >= this.batchSize || this.memory.length > this.options.maxBufferedEvents;
    if (full && !this.kickScheduled) {
      this.kickScheduled = true;
      setImmediate(() => {
        this.kickScheduled = false;
        this.kick();
      }).unref();
    }
  }

  flush(options: DeliveryOptions = {}): Promise<DeliverySummary> {
    return this.deliverUntil(this.accepted, deadlineOf(options.timeoutMs));
  }

  async close(options: DeliveryOptions = {}): Promise<DeliverySummary> {
    clearInterval(this.interval);
    const deadline = deadlineOf(options.timeoutMs ?? this.options.closeTimeoutMs);
    const abortAtDeadline = Number.isFinite(deadline)
      ? setTimeout(() => this.inFlight.abort(), Math.max(0, deadline - Date.now()))
      : undefined;
    const summary = await this.deliverUntil(this.accepted, deadline);
    clearTimeout(abortAtDeadline);
    this.cancelRetry();
    if (summary.complete) return summary;
    await this.pumping;
    await this.persistUndelivered();
    return this.summary(false);
  }

  /** Runs the pump now (ignoring back-off) and keeps retrying until `target` events are settled or the deadline. */
  private async deliverUntil(target: number, deadline: number): Promise<DeliverySummary> {
    this.cancelRetry();
    for (;;) {
      const result = await this.pump(true);
      if (this.settled - this.inherited >= target) return this.summary(true);
      const remaining = deadline - Date.now();
      if (result === 'idle' || remaining <= 0) break;
      await sleep(Math.min(remaining, backoffDelay(this.attempt - 1, this.options.backoff)));
    }
    if (!this.retryTimer) this.scheduleRetry();
    return this.summary(this.settled - this.inherited >= target);
  }

  /** Background trigger: full batch, timer tick, or end of a back-off. */
  private kick(): void {
    void this.pump(this.retryTimer === undefined).then((result) => {
      if (result === 'failed' && !this.retryTimer) this.scheduleRetry();
    });
  }

  private scheduleRetry(): void {
    if (this.pendingCount() === 0) return;
    this.retryTimer = setTimeout(
      () => {
        this.retryTimer = undefined;
        this.kick();
      },
      backoffDelay(Math.max(0, this.attempt - 1), this.options.backoff),
    );
    this.retryTimer.unref();
  }

  private cancelRetry(): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }

  /** Serializes pump runs: a new run starts after the current one ends. */
  private pump(send: boolean): Promise<PumpResult> {
    const previous = this.pumping ?? Promise.resolve<PumpResult>('idle');
    const run = previous
      .then(() => this.pumpRun(send))
      .catch((error: unknown) => {
        this.options.warner.fault('delivery', error);
        return 'failed' as const;
      });
    this.pumping = run;
    return run;
  }

  private async pumpRun(send: boolean): Promise<PumpResult> {
    if (!this.spillInitialized) await this.initSpill();
    for (;;) {
      await this.spillOverflow();
      if (!send) return 'idle';
      const batch = await this.nextBatch();
      if (!batch) return 'idle';
      this.inFlight = new AbortController();
      const outcome = await postLines(batch.lines, this.options, this.inFlight.signal);
      if (outcome.kind === 'retry') {
        this.attempt += 1;
        this.warnRetry(outcome.reason);
        return 'failed';
      }
      await batch.remove();
      this.attempt = 0;
      const dropped = batch.count - batch.lines.length;
      if (outcome.kind === 'delivered') {
        this.triples += outcome.triples;
        this.settle(batch.lines.length, 0, dropped);
      } else await this.handleRejection(batch.lines, outcome, dropped);
    }
  }

  private async initSpill(): Promise<void> {
    this.spillInitialized = true;
    try {
      await this.spill.init();
      this.inherited = this.spill.pendingCount;
    } catch (error) {
      this.options.warner.fault(`reading the spill file ${this.spill.path}`, error);
    }
  }

  private async nextBatch(): Promise<Batch | undefined> {
    if (this.head.length > 0) {
      const lines = this.head.slice(0, this.batchSize);
      return { lines, count: lines.length, remove: async () => void this.head.splice(0, lines.length) };
    }
    if (this.spill.pendingCount > 0) {
      const spilled = await this.spill.readBatch(this.batchSize);
      const { lines } = spilled;
      if (lines.length > 0)
        return { lines, count: lines.length, remove: () => this.spill.commit(spilled, lines.length) };
      await this.spill.commit(spilled, 0);
    }
    if (this.memory.length === 0) return undefined;
    const events = this.memory.slice(0, this.batchSize);
    return {
      lines: this.serialize(events),
      count: events.length,
      remove: async () => void this.memory.splice(0, events.length),
    };
  }

  /** Keeps memory within maxBufferedEvents by moving the oldest events (down to half the bound) to the spill file. */
  private async spillOverflow(): Promise<void> {
    const max = this.options.maxBufferedEvents;
    if (this.memory.length <= max) return;
    const moved = this.memory.slice(0, this.memory.length - Math.floor(max / 2));
    const lines = this.serialize(moved);
    try {
      await this.spill.append(lines);
    } catch (error) {
      this.options.warner.fault(`writing the spill file ${this.spill.path}`, error);
      return;
    }
    this.memory.splice(0, moved.length);
    this.settle(0, 0, moved.length - lines.length);
    this.options.warner.once(
      'spill',
      `provml client: more than ${max} events are waiting for ${this.options.url}; the oldest are kept in ` +
        `${this.spill.path} and sent first once the server answers (or load it with: provml ingest ${this.spill.path}).`,
    );
  }

  private async handleRejection(
    lines: string[],
    outcome: Extract<SendOutcome, { kind: 'rejected' }>,
    dropped: number,
  ): Promise<void> {
    this.settle(0, 0, dropped);
    if (outcome.status === 413 && lines.length > 1) {
      this.batchSize = Math.max(1, Math.floor(lines.length / 2));
      this.head.unshift(...lines);
      return;
    }
    const { rejected: rejectedLines, errors, retry } = splitRejected(lines, outcome.status, outcome.body);
    this.head.unshift(...retry);
    try {
      await this.rejectedFile.write(rejectedLines, outcome.status, outcome.body, errors);
    } catch (error) {
      this.options.warner.fault(`writing ${this.rejectedFile.path}`, error);
    }
    this.settle(0, rejectedLines.length);
    this.options.warner.once(
      'rejected',
      `provml client: the server refused ${rejectedLines.length} event(s) (${outcome.reason}); they are kept with ` +
        `the server's reasons in ${this.rejectedFile.path}.`,
    );
  }

  private warnRetry(reason: string): void {
    this.options.warner.once(
      'retry',
      `provml client: cannot deliver events to ${this.options.url} (${reason}); retrying with back-off, ` +
        `buffering up to ${this.options.maxBufferedEvents} events in memory, then in ${this.spill.path}.`,
    );
  }

  /** Counts events that left the queue; `dropped` ones (not serializable) were warned about. */
  private settle(delivered: number, rejected: number, dropped = 0): void {
    this.delivered += delivered;
    this.rejected += rejected;
    this.settled += delivered + rejected + dropped;
  }

  private serialize(events: object[]): string[] {
    const lines: string[] = [];
    for (const event of events) {
      const line = eventLine(event);
      if (line !== undefined) lines.push(line);
      else
        this.options.warner.once(
          'unserializable',
          'provml client: dropped an event that is not JSON-serializable.',
        );
    }
    return lines;
  }

  /** After close's deadline: everything undelivered goes to the spill file, oldest first. */
  private async persistUndelivered(): Promise<void> {
    try {
      await this.spill.persist(this.head, this.serialize(this.memory));
      this.head = [];
      this.memory = [];
      this.options.warner.once(
        'close-spill',
        `provml client: ${this.spill.pendingCount} event(s) were not delivered before close(); they are kept in ` +
          `${this.spill.path} (a recorder with the same spillFile sends them, or: provml ingest ${this.spill.path}).`,
      );
    } catch (error) {
      this.options.warner.fault(`writing the spill file ${this.spill.path}`, error);
    }
  }

  private pendingCount(): number {
    return this.head.length + this.spill.pendingCount + this.memory.length;
  }

  private summary(complete: boolean): DeliverySummary {
    return {
      complete,
      delivered: this.delivered,
      triples: this.triples,
      rejected: this.rejected,
      pending: this.pendingCount(),
      spilled: this.spill.pendingCount,
      spillFile: this.spill.path,
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
