import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BadRequestError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import { type RetryPolicy, retrying } from '../../retry.ts';
import type { EngineWriter } from './engine-writer.ts';
import { EngineUnavailableError, OutboxBacklogError } from './errors.ts';
import type { Outbox, OutboxEntry } from './outbox.ts';
import { type GraphTriples, type OutboxWrite, tripleCount } from './records.ts';

// The one consumer of the outbox: delivers records to the engine in order, removing each only after
// a 2xx, retrying with the retry policy (src/retry.ts) while the engine is away. Writes that need an
// immediate answer (SPARQL Update) queue here too, behind the records acknowledged before them.

interface DirectOp {
  afterSeq: number;
  run: () => Promise<void>;
  resolve: () => void;
  reject: (error: unknown) => void;
  started: boolean;
}

export interface CourierOptions {
  /** Triples merged into one delivery from consecutive small inserts. */
  batchTriples: number;
  /** How long to wait between attempts while the engine is away. */
  retry: RetryPolicy;
}

/** The reason a wait between attempts was cut short: something new to deliver, or stop. */
const WOKEN = new Error('woken');

export class Courier {
  private readonly direct: DirectOp[] = [];
  private readonly deliveredWaiters = new Set<() => void>();
  private wakeSleep: () => void = () => undefined;
  /** Set while a delivery waits between attempts: aborting it starts the next attempt now. */
  private retryWait: AbortController | undefined;
  private waker: AbortController | undefined;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private lastError: Error | undefined;
  /** After a merged delivery was refused, records go one by one to find the malformed one. */
  private oneByOne = false;

  constructor(
    private readonly outbox: Outbox,
    private readonly writer: EngineWriter,
    private readonly url: string,
    private readonly logger: Logger | undefined,
    private readonly options: CourierOptions,
  ) {}

  start(): void {
    this.loop ??= this.run();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.wake();
    await this.loop;
  }

  /** Call after an append: delivery starts at once. */
  notify(): void {
    this.wake();
  }

  /** Waits until every record up to `seq` reached the engine. */
  async waitDelivered(seq: number, timeoutMs: number): Promise<void> {
    if (this.outbox.deliveredSeq >= seq) return;
    await new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.outbox.deliveredSeq < seq) return;
        clearTimeout(timer);
        this.deliveredWaiters.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.deliveredWaiters.delete(check);
        reject(this.backlogError(timeoutMs));
      }, timeoutMs);
      this.deliveredWaiters.add(check);
    });
  }

  /** Runs a write against the engine right after the records acknowledged so far. */
  runInOrder(run: () => Promise<void>, timeoutMs: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const op: DirectOp = { afterSeq: this.outbox.lastSeq, run, resolve, reject, started: false };
      const timer = setTimeout(() => {
        if (op.started) return;
        this.direct.splice(this.direct.indexOf(op), 1);
        reject(this.backlogError(timeoutMs));
      }, timeoutMs);
      op.resolve = () => {
        clearTimeout(timer);
        resolve();
      };
      op.reject = (error) => {
        clearTimeout(timer);
        reject(error);
      };
      this.direct.push(op);
      this.wake();
    });
  }

  private backlogError(waitedMs: number): Error {
    if (this.lastError instanceof EngineUnavailableError) return this.lastError;
    return new OutboxBacklogError(this.outbox.pendingCount, this.url, waitedMs);
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      const op = this.direct[0];
      if (op && op.afterSeq <= this.outbox.deliveredSeq) {
        this.direct.shift();
        op.started = true;
        await op.run().then(op.resolve, op.reject);
        continue;
      }
      const batch = this.outbox.peek(256).filter((e) => !op || e.seq <= op.afterSeq);
      if (batch.length === 0) {
        await this.sleep(60_000);
        continue;
      }
      try {
        const delivered = await this.deliverWithRetry(this.oneByOne ? batch.slice(0, 1) : batch);
        this.oneByOne = false;
        await this.outbox.markDelivered(delivered);
        if (this.lastError)
          this.logger?.info(
            { engine: this.url, pending: this.outbox.pendingCount },
            'SPARQL engine reachable again; delivering the outbox',
          );
        this.lastError = undefined;
        for (const waiter of [...this.deliveredWaiters]) waiter();
      } catch (error) {
        if (error === WOKEN) continue;
        if (error instanceof BadRequestError && !this.oneByOne) {
          this.oneByOne = true;
          continue;
        }
        if (error instanceof BadRequestError) {
          this.oneByOne = false;
          await this.reject(batch[0] as OutboxEntry, error);
          continue;
        }
        // A failure the policy does not wait out (a fault, not the engine being away): wait the longest.
        this.engineFailed(error);
        await this.sleep(this.options.retry.maxMs);
      }
    }
  }

  /**
   * Delivers `batch` (see deliverBatch), retrying while the engine is away. A wake-up (an append, an ordered
   * write, stop) ends a wait between attempts, never an attempt under way, so a delivery is never left
   * unrecorded.
   */
  private deliverWithRetry(batch: OutboxEntry[]): Promise<number> {
    return retrying(
      () => {
        this.retryWait = undefined;
        return this.deliverBatch(batch);
      },
      this.options.retry,
      {
        signal: this.wakeSignal(),
        shouldRetry: (error) => !(error instanceof BadRequestError),
        onFailure: (error) => {
          if (error instanceof BadRequestError) return;
          this.engineFailed(error);
          this.retryWait = this.waker;
          // stop() during the attempt found no wait to end: end this one before it starts.
          if (this.stopping) this.wake();
        },
      },
    );
  }

  private wakeSignal(): AbortSignal {
    this.waker = new AbortController();
    return this.waker.signal;
  }

  private engineFailed(error: unknown): void {
    if (!this.lastError)
      this.logger?.warn(
        { engine: this.url, pending: this.outbox.pendingCount, err: String(error) },
        'SPARQL engine unavailable; writes wait in the outbox',
      );
    this.lastError = error instanceof Error ? error : new Error(String(error));
  }

  /** Delivers the first record, merged with following plain inserts while they fit; returns the last seq sent. */
  private async deliverBatch(batch: OutboxEntry[]): Promise<number> {
    const first = (await this.outbox.read(batch[0] as OutboxEntry)) as OutboxWrite & { seq: number };
    if (first.op !== 'insert' || first.groups.some((g) => g.blank) || batch.length === 1) {
      await this.writer.deliver(first);
      return first.seq;
    }
    const merged = new Map<string, GraphTriples>();
    let last = first.seq;
    let size = 0;
    for (const entry of batch) {
      const write =
        entry === batch[0] ? first : ((await this.outbox.read(entry)) as OutboxWrite & { seq: number });
      if (write.op !== 'insert' || write.groups.some((g) => g.blank)) break;
      if (size > 0 && size + tripleCount(write) > this.options.batchTriples) break;
      for (const group of write.groups) {
        const target = merged.get(group.graph) ?? { graph: group.graph, lines: [], blank: false };
        for (const line of group.lines) target.lines.push(line);
        merged.set(group.graph, target);
      }
      size += tripleCount(write);
      last = write.seq;
    }
    await this.writer.deliver({ op: 'insert', groups: [...merged.values()] });
    return last;
  }

  /** A record the engine refuses as malformed would block the outbox forever: set it aside, loudly. */
  private async reject(entry: OutboxEntry, error: BadRequestError): Promise<void> {
    const record = await this.outbox.read(entry);
    await appendFile(
      join(this.outbox.directory, 'outbox.rejected.ndjson'),
      `${JSON.stringify({ error: error.message, record })}\n`,
    );
    this.logger?.error(
      { seq: entry.seq, err: error.message },
      'SPARQL engine refused an outbox record; it was moved to outbox.rejected.ndjson',
    );
    await this.outbox.markDelivered(entry.seq);
    for (const waiter of [...this.deliveredWaiters]) waiter();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = done;
      if (this.stopping) done();
    });
  }

  private wake(): void {
    this.wakeSleep();
    this.retryWait?.abort(WOKEN);
    this.retryWait = undefined;
  }
}
