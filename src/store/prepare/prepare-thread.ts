import { Worker } from 'node:worker_threads';
import { LRUCache } from 'lru-cache';
import { BadRequestError } from '../../errors.ts';
import { fromWireError, type WireError } from '../durable/protocol.ts';
import type {
  PreparedOperation,
  PreparedQuery,
  PreparedUpdate,
  PrepareQueryOptions,
  PrepareUpdateOptions,
} from './prepare.ts';
import { checkQueryLength, prepareQuery, prepareUpdate } from './prepare.ts';
import { rehydrateTerms } from './rehydrate.ts';

// sparqljs parses about 5 s of CPU per MiB of SPARQL; on the main thread an anonymous 0.7 MiB query held
// /health and every other request for seconds before its 400. Where a request enters (HTTP, MCP), a large
// text is therefore prepared in a thread of its own, one job at a time; a small one (milliseconds) where it
// arrives, sparing it the hop.

/** Texts of at most this many characters are prepared on the calling thread (a few milliseconds). */
export const INLINE_PREPARE_MAX_CHARS = 64 * 1024;

/** A text whose preparation takes longer than this is refused, and the thread preparing it replaced. */
export const PREPARE_TIME_LIMIT_MS = 30_000;

export type PrepareJob =
  | { id: number; kind: 'query'; text: string; options: PrepareQueryOptions }
  | { id: number; kind: 'update'; text: string; options: PrepareUpdateOptions };

export interface PrepareJobLimits {
  /** This job's time limit (default: the thread's). */
  timeLimitMs?: number;
}

export type PrepareAnswer =
  | { id: number; ok: true; prepared: PreparedOperation }
  | { id: number; ok: false; error: WireError };

interface Queued {
  job: PrepareJob;
  timeLimitMs: number;
  resolve: (prepared: PreparedOperation) => void;
  reject: (error: Error) => void;
}

export interface PrepareThreadOptions {
  timeLimitMs?: number;
  /** Called with each thread started (observability, and tests that stop one mid-job). */
  onThreadStart?: (worker: Worker) => void;
}

/** One long-lived parse thread, started when first needed and replaced when it dies; jobs run in order. */
export class PrepareThread {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly queue: Queued[] = [];
  private running: (Queued & { timer: NodeJS.Timeout }) | undefined;
  private readonly timeLimitMs: number;

  constructor(private readonly options: PrepareThreadOptions = {}) {
    this.timeLimitMs = options.timeLimitMs ?? PREPARE_TIME_LIMIT_MS;
  }

  prepareQuery(text: string, options: PrepareQueryOptions = {}, limits?: PrepareJobLimits) {
    return this.enqueue(
      { id: this.nextId++, kind: 'query', text, options },
      limits,
    ) as Promise<PreparedQuery>;
  }

  prepareUpdate(text: string, options: PrepareUpdateOptions = {}, limits?: PrepareJobLimits) {
    return this.enqueue(
      { id: this.nextId++, kind: 'update', text, options },
      limits,
    ) as Promise<PreparedUpdate>;
  }

  /** Stops the thread; jobs not yet answered are refused. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    const closed = new BadRequestError('The server is closing; this SPARQL text was not prepared.');
    if (this.running) this.finish(this.running).reject(closed);
    for (const queued of this.queue.splice(0)) queued.reject(closed);
    await worker?.terminate();
  }

  private enqueue(job: PrepareJob, limits: PrepareJobLimits = {}): Promise<PreparedOperation> {
    const timeLimitMs = limits.timeLimitMs ?? this.timeLimitMs;
    return new Promise((resolve, reject) => {
      this.queue.push({ job, timeLimitMs, resolve, reject });
      this.dispatch();
    });
  }

  /** Sends the next job once the previous one is answered, so that each job's time limit is its own. */
  private dispatch(): void {
    if (this.running) return;
    const next = this.queue.shift();
    const worker = next ? this.thread() : this.worker;
    if (!next) {
      // An idle thread must not keep the process alive.
      worker?.unref();
      return;
    }
    (worker as Worker).ref();
    const timer = setTimeout(() => this.overTime(), next.timeLimitMs);
    timer.unref();
    this.running = { ...next, timer };
    (worker as Worker).postMessage(next.job);
  }

  private finish(running: Queued & { timer: NodeJS.Timeout }): Queued {
    clearTimeout(running.timer);
    this.running = undefined;
    return running;
  }

  private answered(answer: PrepareAnswer): void {
    if (!this.running || this.running.job.id !== answer.id) return;
    const done = this.finish(this.running);
    if (answer.ok) {
      rehydrateTerms(answer.prepared);
      done.resolve(answer.prepared);
    } else done.reject(fromWireError(answer.error));
    this.dispatch();
  }

  private overTime(): void {
    const running = this.running;
    if (!running) return;
    this.replaceThread(
      new BadRequestError(
        `The SPARQL ${running.job.kind} is too costly to parse: it took more than ${running.timeLimitMs} ms and was refused; nothing ran. Split or simplify it (send large data through the graph store, /store).`,
      ),
    );
  }

  /** The running job is refused with `error`; the thread is dropped, and the queue goes on in a new one. */
  private replaceThread(error: Error): void {
    const worker = this.worker;
    this.worker = undefined;
    void worker?.terminate();
    if (this.running) this.finish(this.running).reject(error);
    this.dispatch();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./prepare-worker.js', import.meta.url));
    worker.on('message', (answer: PrepareAnswer) => {
      if (this.worker === worker) this.answered(answer);
    });
    const lost = (why: string): void => {
      if (this.worker !== worker) return;
      const kind = this.running?.job.kind ?? 'operation';
      this.replaceThread(
        new BadRequestError(
          `The SPARQL ${kind} could not be parsed (the parse thread ${why}); it was refused and nothing ran. Split or simplify it.`,
        ),
      );
    };
    worker.on('error', (error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    this.worker = worker;
    this.options.onThreadStart?.(worker);
    return worker;
  }
}

const edgeThread = new PrepareThread();

// Clients repeat their queries (dashboards, the web page, scripts polling what is running), and sparqljs took
// 5–20 ms to parse a query of a few KB that the engine answered in 1–2 ms. So the same text with the same options
// is parsed once. Every layer after this one copies a prepared query before it changes anything; the cached one is
// frozen, so a layer that did not would fail loudly instead of changing the next request's query. Only what
// parses is kept; bounded by the characters held (a prepared query takes ~9 bytes of heap per character of its
// text, so ~36 MB at most: room for ~1,400 catalog-sized queries).
const EDGE_CACHE_CHARS = 4 << 20;
const preparedAtEdge = new LRUCache<string, PreparedQuery>({
  maxSize: EDGE_CACHE_CHARS,
  sizeCalculation: (prepared) => Math.max(1, prepared.text.length),
});

function edgeCacheKey(text: string, options: PrepareQueryOptions): string {
  return `${JSON.stringify(options)}\n${text}`;
}

/**
 * prepareQuery for the edges that serve many clients at once (HTTP, MCP): the same prepared query, the
 * same errors, but a large text is parsed off the main thread.
 */
export function prepareQueryAtEdge(text: string, options: PrepareQueryOptions = {}): Promise<PreparedQuery> {
  if (text.length <= INLINE_PREPARE_MAX_CHARS) {
    const key = edgeCacheKey(text, options);
    const cached = preparedAtEdge.get(key);
    if (cached) return Promise.resolve(cached);
    return inline(() => {
      const prepared = deepFreeze(prepareQuery(text, options));
      preparedAtEdge.set(key, prepared);
      return prepared;
    });
  }
  return inline(() => checkQueryLength(text, options)).then(() => edgeThread.prepareQuery(text, options));
}

/** prepareUpdate for the edges that serve many clients at once; see prepareQueryAtEdge. */
export function prepareUpdateAtEdge(
  text: string,
  options: PrepareUpdateOptions = {},
): Promise<PreparedUpdate> {
  if (text.length <= INLINE_PREPARE_MAX_CHARS) return inline(() => prepareUpdate(text, options));
  return edgeThread.prepareUpdate(text, options);
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const child of Object.values(value)) deepFreeze(child);
  return value;
}

function inline<T>(prepare: () => T): Promise<T> {
  return new Promise((resolve) => resolve(prepare()));
}
