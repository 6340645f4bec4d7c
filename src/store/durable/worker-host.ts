import { Worker } from 'node:worker_threads';
import { ProvmlError, QueryTimeoutError, StoreClosedError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import type { PageOptions } from '../dump-pages.ts';
import { PageChannel } from './page-channel.ts';
import {
  type ApplyOutcome,
  type CallMethod,
  fromWireError,
  type RecoverOutcome,
  ReplayCrashError,
  type SnapshotOutcome,
  type WorkerRequest,
  type WorkerResponse,
} from './protocol.ts';
import { SpoolBudget } from './spool-budget.ts';
import type { LogRecord } from './wal-format.ts';

interface Settle<T> {
  resolve: (value: T) => void;
  reject: (error: Error) => void;
}

interface DumpJob {
  kind: 'dump';
  pages: PageOptions;
  channel: PageChannel;
  settle: Settle<unknown>;
  flightId?: number;
}

type Job =
  | { kind: 'apply'; record: LogRecord; settle?: Settle<void> }
  | { kind: 'call'; method: CallMethod; args: unknown[]; timeoutMs: number; settle: Settle<unknown> }
  | { kind: 'snapshot'; seq: number; settle: Settle<SnapshotOutcome> }
  | DumpJob;

interface InFlight {
  id: number;
  jobs: Job[];
  timer?: NodeJS.Timeout;
}

const MAX_APPLY_BATCH = 512;
/** Pages of a dump in transit from the worker and not stored yet, at most. */
const DUMP_WINDOW = 2;
/** Pages of a dump held in memory for its reader, at most; the rest wait in a spool file. */
const DUMP_MEMORY_PAGES = 2;

export interface WorkerHostOptions {
  dir: string;
  logger: Logger;
  maxQuads?: number;
  /** Read a damaged snapshot as it is (the user accepted the loss). */
  acceptLoss?: boolean;
  /** Whether the engine should count its quads after applying these records (it costs a scan). */
  shouldMeasure: (records: LogRecord[]) => boolean;
  /** Called after the engine applied records up to `appliedSeq`, with its size when it was measured. */
  onApplied: (appliedSeq: number, quads: number | undefined) => void;
  /** The engine died applying a write (memory exhausted): the store must stop taking writes. */
  onWritesLost: (reason: string) => void;
  /** Where dumps spool the pages their readers have not reached; default `dir`. */
  spoolDir?: string;
  /** Pages of a dump held in memory (tests); default DUMP_MEMORY_PAGES. */
  dumpMemoryPages?: number;
  /** Bytes all dumps may hold in spool files at once; default: no limit. */
  maxSpoolBytes?: number | undefined;
}

/**
 * Runs the engine in a worker thread and feeds it one job at a time from a FIFO queue, so the job in
 * the worker is always known: a query over its time limit is rejected, the worker terminated and a
 * fresh one rebuilt from snapshot + log up to the last applied record; queued jobs then go to it.
 */
export class WorkerHost {
  private worker: Worker | undefined;
  private queue: Job[] = [];
  private inFlight: InFlight | undefined;
  private nextId = 1;
  private ready = false;
  private idleWaiters: Array<() => void> = [];
  private failure: Error | undefined;
  private readonly spoolBudget: SpoolBudget | undefined;
  /** Dumps not yet finished by their readers (their production may be over). */
  private readonly channels = new Set<PageChannel>();
  private recovering: Promise<RecoverOutcome> | undefined;
  appliedSeq = 0;
  restarts = 0;

  constructor(private readonly options: WorkerHostOptions) {
    this.spoolBudget =
      options.maxSpoolBytes === undefined ? undefined : new SpoolBudget(options.maxSpoolBytes);
  }

  /**
   * Starts a worker that recovers snapshot + log up to `untilSeq`, then serves the queue. When the
   * engine dies replaying a record (memory exhausted), it starts again without that record and
   * reports the store as stopped early (read-only) instead of failing every start-up the same way.
   */
  async start(untilSeq: number): Promise<RecoverOutcome> {
    const recovering = this.recover(untilSeq);
    this.recovering = recovering;
    try {
      return await recovering;
    } finally {
      if (this.recovering === recovering) this.recovering = undefined;
    }
  }

  /**
   * Resolves once no engine is being rebuilt from the files: a rebuild reads the snapshot and segments it
   * listed when it began, so files a new snapshot covers are removed only after it (see DurableStore).
   */
  async notRecovering(): Promise<void> {
    while (this.recovering) await this.recovering.catch(() => undefined);
  }

  private async recover(untilSeq: number): Promise<RecoverOutcome> {
    try {
      return await this.startWorker(untilSeq);
    } catch (error) {
      if (!(error instanceof ReplayCrashError) || error.seq - 1 >= untilSeq) throw error;
      this.options.logger.error(`${error.message}; starting again with the records before it.`);
      const outcome = await this.startWorker(error.seq - 1);
      outcome.stoppedEarly = `Start-up stopped loading at log record ${error.seq} because the embedded engine ran out of memory applying it. The store is read-only and shows only the data before it; nothing on disk was changed. Set a lower maxQuads / PROVML_MAX_QUADS, export the data, or move to a server engine (PROVML_STORE=sparql).`;
      return outcome;
    }
  }

  private async startWorker(untilSeq: number): Promise<RecoverOutcome> {
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    this.worker = worker;
    try {
      const outcome = await firstAnswer<RecoverOutcome>(worker, {
        id: this.nextId++,
        kind: 'recover',
        dir: this.options.dir,
        untilSeq,
        maxQuads: this.options.maxQuads,
        acceptLoss: this.options.acceptLoss,
      });
      worker.on('message', (response: WorkerResponse) => this.onMessage(worker, response));
      worker.on('error', (error) => this.onCrash(worker, error));
      worker.on('exit', (code) =>
        this.onCrash(worker, new Error(`the engine worker exited with code ${code}`)),
      );
      this.appliedSeq = outcome.appliedSeq;
      this.ready = true;
      this.pump();
      return outcome;
    } catch (error) {
      this.worker = undefined;
      worker.removeAllListeners();
      await worker.terminate();
      throw error;
    }
  }

  /** Hands a durable record to the engine; `settle` (for updates) learns whether applying it succeeded. */
  apply(record: LogRecord, settle?: Settle<void>): void {
    this.enqueue({ kind: 'apply', record, settle });
  }

  call<T>(method: CallMethod, args: unknown[], timeoutMs: number): Promise<T> {
    return new Promise<unknown>((resolve, reject) => {
      this.enqueue({ kind: 'call', method, args, timeoutMs, settle: { resolve, reject } });
    }) as Promise<T>;
  }

  snapshot(seq: number): Promise<SnapshotOutcome> {
    return new Promise((resolve, reject) =>
      this.enqueue({ kind: 'snapshot', seq, settle: { resolve, reject } }),
    );
  }

  /**
   * Streams a dump from the engine. The dump is one job, so it sees no write half-applied, and the
   * engine produces it at its own pace: pages the reader has not reached wait in the channel (memory,
   * then a spool file), so a slow reader holds no query or write. A reader that stops (`break` /
   * `return()`) cancels what is left and removes the spool.
   */
  async *dump(pages: PageOptions): AsyncGenerator<string> {
    const channel: PageChannel = new PageChannel({
      memoryPages: this.options.dumpMemoryPages ?? DUMP_MEMORY_PAGES,
      spoolDir: this.options.spoolDir ?? this.options.dir,
      ...(this.spoolBudget ? { budget: this.spoolBudget } : {}),
      onStored: () => this.toDump(job, 'pull'),
      onFailed: () => this.cancelDump(job),
    });
    const job: DumpJob = {
      kind: 'dump',
      pages,
      channel,
      settle: { resolve: () => channel.end(), reject: (error) => channel.end(error) },
    };
    this.channels.add(channel);
    this.enqueue(job);
    try {
      for (let page = await channel.next(); page !== undefined; page = await channel.next()) yield page;
    } finally {
      if (!channel.ended) this.cancelDump(job);
      await channel.dispose();
      this.channels.delete(channel);
    }
  }

  /** Resolves once every job queued so far is done. */
  idle(): Promise<void> {
    if (!this.inFlight && this.queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Ends every dump not yet read to its end (closing must not wait for a reader that left one open):
   * their readers get StoreClosedError after the pages they already read, never a dump that looks
   * complete; resolves once their spool files are removed.
   */
  async endDumps(): Promise<void> {
    const removed = [...this.channels].map((channel) => channel.abort(new StoreClosedError()));
    for (const job of [...this.queue, ...(this.inFlight?.jobs ?? [])])
      if (job.kind === 'dump') this.cancelDump(job);
    await Promise.all(removed);
  }

  async stop(): Promise<void> {
    await this.endDumps();
    await this.idle();
    // A job handed over after this is refused at once, never left waiting for a worker that is gone.
    this.failure ??= new StoreClosedError();
    this.ready = false;
    const worker = this.worker;
    this.worker = undefined;
    worker?.removeAllListeners();
    await worker?.terminate();
  }

  private toDump(job: DumpJob, kind: 'pull' | 'cancel'): void {
    if (job.flightId !== undefined && this.inFlight?.jobs[0] === job)
      this.worker?.postMessage({ id: job.flightId, kind } satisfies WorkerRequest);
  }

  /** Stops a dump: not started yet, it is dropped; running, the worker is told to end it. */
  private cancelDump(job: DumpJob): void {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      job.channel.end();
      if (!this.inFlight && this.queue.length === 0) this.pump();
      return;
    }
    this.toDump(job, 'cancel');
  }

  private enqueue(job: Job): void {
    if (this.failure) {
      job.settle?.reject(this.failure);
      return;
    }
    this.queue.push(job);
    this.pump();
  }

  private pump(): void {
    const worker = this.worker;
    if (!this.ready || this.inFlight || !worker) return;
    const head = this.queue[0];
    if (!head) {
      for (const resolve of this.idleWaiters.splice(0)) resolve();
      return;
    }
    let count = 1;
    if (head.kind === 'apply') while (count < MAX_APPLY_BATCH && this.queue[count]?.kind === 'apply') count++;
    const jobs = this.queue.splice(0, count);
    const flight: InFlight = { id: this.nextId++, jobs };
    this.inFlight = flight;
    if (head.kind === 'dump') head.flightId = flight.id;
    worker.postMessage(toRequest(flight.id, jobs, this.options));
    if (head.kind === 'call' && head.timeoutMs > 0 && Number.isFinite(head.timeoutMs)) {
      flight.timer = setTimeout(() => this.onTimeout(flight, head.timeoutMs), head.timeoutMs);
    }
  }

  private onMessage(worker: Worker, response: WorkerResponse): void {
    const flight = this.inFlight;
    if (worker !== this.worker || !flight || response.id !== flight.id) return;
    if ('page' in response) {
      const head = flight.jobs[0];
      if (head?.kind === 'dump') head.channel.push(response.page);
      return;
    }
    clearTimeout(flight.timer);
    this.inFlight = undefined;
    if (!response.ok && response.fatal) {
      this.onCrash(worker, fromWireError(response.error), flight);
      return;
    }
    const head = flight.jobs[0];
    if (head?.kind === 'apply')
      this.settleApplies(flight.jobs, response.ok ? (response.value as ApplyOutcome) : undefined);
    else if (response.ok) head?.settle.resolve(response.value as never);
    else head?.settle.reject(fromWireError(response.error));
    this.pump();
  }

  private settleApplies(jobs: Job[], outcome: ApplyOutcome | undefined): void {
    const errors = new Map(outcome?.errors.map((e) => [e.seq, fromWireError(e.error)]));
    for (const job of jobs) {
      if (job.kind !== 'apply') continue;
      const error = errors.get(job.record.seq);
      if (error) job.settle?.reject(error);
      else job.settle?.resolve();
      this.appliedSeq = job.record.seq;
    }
    this.options.onApplied(this.appliedSeq, outcome?.quads);
  }

  private onTimeout(flight: InFlight, timeoutMs: number): void {
    if (this.inFlight !== flight) return;
    this.inFlight = undefined;
    flight.jobs[0]?.settle?.reject(new QueryTimeoutError(timeoutMs));
    this.restart(
      `A query ran over its time limit of ${timeoutMs} ms; restarting the engine worker from snapshot + log.`,
    );
  }

  private onCrash(worker: Worker, error: Error, flight = this.inFlight): void {
    if (worker !== this.worker) return;
    this.inFlight = undefined;
    const lost = new ProvmlError(
      'Unavailable',
      `The store's engine failed (${error.message}); the request was not completed. Acknowledged writes are safe in the log.`,
    );
    const appliesLost = flight?.jobs.some((job) => job.kind === 'apply') ?? false;
    for (const job of flight?.jobs ?? []) job.settle?.reject(lost);
    if (appliesLost) {
      // Replaying the same records would kill the new engine too: stop writing, keep reads working.
      for (const job of this.queue.filter((j) => j.kind === 'apply')) job.settle?.reject(lost);
      this.queue = this.queue.filter((j) => j.kind !== 'apply');
      this.options.onWritesLost(
        `The engine failed applying logged writes (${error.message}), most likely out of memory. The store is read-only until restart; lower the data size (export, drop old graphs) or move to a server engine.`,
      );
    }
    this.restart(`The engine worker failed (${error.message}); restarting it from snapshot + log.`);
  }

  private restart(reason: string): void {
    const old = this.worker;
    this.worker = undefined;
    this.ready = false;
    old?.removeAllListeners();
    old?.terminate().catch(() => undefined);
    this.restarts++;
    this.options.logger.warn(reason);
    this.start(this.appliedSeq).then(
      (outcome) =>
        this.options.logger.info(
          { quads: outcome.quads, replayed: outcome.replayed },
          'Engine worker restarted.',
        ),
      (error: Error) => this.fail(error),
    );
  }

  private fail(error: Error): void {
    this.failure = new ProvmlError(
      'Unavailable',
      `The store's engine could not be restarted (${error.message}); restart provml.`,
    );
    this.options.logger.error(this.failure.message);
    for (const job of this.queue.splice(0)) job.settle?.reject(this.failure);
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

function toRequest(id: number, jobs: Job[], options: WorkerHostOptions): WorkerRequest {
  const head = jobs[0] as Job;
  if (head.kind === 'call') return { id, kind: 'call', method: head.method, args: head.args };
  if (head.kind === 'snapshot') return { id, kind: 'snapshot', dir: options.dir, seq: head.seq };
  if (head.kind === 'dump') return { id, kind: 'dump', pages: head.pages, window: DUMP_WINDOW };
  const records = jobs.map((job) => (job as Extract<Job, { kind: 'apply' }>).record);
  return { id, kind: 'apply', records, measure: options.shouldMeasure(records) };
}

/** Sends one request to a worker that has no other listener yet and waits for its answer (or its death). */
export function firstAnswer<T>(worker: Worker, request: WorkerRequest): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const done = (): void => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (response: WorkerResponse): void => {
      if (response.id !== request.id || 'page' in response) return;
      done();
      if (response.ok) resolve(response.value as T);
      else reject(fromWireError(response.error));
    };
    const onError = (error: Error): void => {
      done();
      reject(error);
    };
    const onExit = (code: number): void => {
      done();
      reject(new Error(`the engine worker exited with code ${code} while recovering`));
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
    worker.postMessage(request);
  });
}
