import { Worker } from 'node:worker_threads';
import { BadRequestError } from '../../errors.ts';
import { OxigraphEngine, type WriteOp } from '../engine.ts';
import { fromWireError, type WireError } from './protocol.ts';

// Every write is checked (parsed into a throw-away Oxigraph instance) before it is logged. Parsing costs
// about 75 ms of CPU per MiB of N-Triples, so on the main thread a 64 MiB body held /health and every
// other request for seconds. Large writes are therefore checked in a thread of their own, one at a time;
// small ones (milliseconds) where they arrive, sparing them the hop and the thread's start-up.

/** Writes of at most this many characters are checked on the calling thread (about 5 ms of parsing). */
export const INLINE_CHECK_MAX_CHARS = 64 * 1024;

/** What the check thread answers: how many quads the write adds to an empty store, or why it is refused. */
export type CheckAnswer =
  | { id: number; ok: true; quads: number }
  | { id: number; ok: false; error: WireError };

interface Pending {
  resolve: (quads: number) => void;
  reject: (error: Error) => void;
}

export class WriteChecker {
  private worker: Worker | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  /** The quads the write adds to an empty store (see OxigraphEngine.validate); rejects a malformed write. */
  check(op: WriteOp): Promise<number> {
    if (textLength(op) <= INLINE_CHECK_MAX_CHARS)
      return new Promise((resolve) => resolve(OxigraphEngine.validate(op)));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.thread().postMessage({ id, op });
    });
  }

  /** Stops the thread; checks still pending are refused. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.failPending(
      new BadRequestError('The store closed before this write was checked; nothing was written.'),
    );
    await worker?.terminate();
  }

  private thread(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(new URL('./check-worker.js', import.meta.url));
    // An idle checker must not keep the process alive; the store's close() stops it.
    worker.unref();
    worker.on('message', (answer: CheckAnswer) => {
      const pending = this.pending.get(answer.id);
      if (!pending) return;
      this.pending.delete(answer.id);
      if (answer.ok) pending.resolve(answer.quads);
      else pending.reject(fromWireError(answer.error));
    });
    const lost = (why: string): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      // The next check starts a fresh thread.
      this.failPending(
        new BadRequestError(
          `The engine could not check this write (the check thread ${why}); it was refused and nothing was written. Split or simplify it.`,
        ),
      );
    };
    worker.on('error', (error) => lost(`failed: ${error.message}`));
    worker.on('exit', (code) => lost(`exited with code ${code}`));
    this.worker = worker;
    return worker;
  }

  private failPending(error: Error): void {
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}

/** How much text a write gives the parser (a graph drop: none, only an IRI to check). */
function textLength(op: WriteOp): number {
  if (op.op === 'dropGraph') return 0;
  return op.op === 'update' ? op.text.length : op.data.length;
}
