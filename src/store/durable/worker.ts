import { parentPort } from 'node:worker_threads';
import { OxigraphEngine } from '../engine.ts';
import { applyRecords } from './apply-records.ts';
import type { ApplyOutcome, WorkerRequest, WorkerResponse } from './protocol.ts';
import { toWireError } from './protocol.ts';
import { recover } from './replay.ts';
import { writeSnapshot } from './snapshot-io.ts';
import { lowerThreadPriority } from './thread-priority.ts';
import type { LogRecord } from './wal-format.ts';

// The engine lives here so that a long synchronous Oxigraph query blocks only this thread: the main
// thread keeps answering health checks and acknowledging writes from the log, and can terminate this
// thread when a query runs over its time limit.

const port = parentPort;
if (!port) throw new Error('worker.ts must run in a worker thread.');
const engine = new OxigraphEngine();
/** The dump being produced, if any: the host sends nothing else until it has ended. */
let dump: { id: number; pages: Generator<string> } | undefined;

port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'dump') {
    dump = { id: request.id, pages: engine.dumpPages(request.pages) };
    for (let i = 0; i < request.window && dump; i++) sendPage();
    return;
  }
  if (request.kind === 'pull' || request.kind === 'cancel') {
    if (dump?.id !== request.id) return;
    if (request.kind === 'pull') sendPage();
    else endDump({ id: request.id, ok: true, value: null });
    return;
  }
  let response: WorkerResponse;
  try {
    response = { id: request.id, ok: true, value: handle(request) };
  } catch (error) {
    response = failure(request.id, error);
  }
  port.postMessage(response);
});

function sendPage(): void {
  const current = dump;
  if (!current) return;
  try {
    const next = current.pages.next();
    if (next.done) endDump({ id: current.id, ok: true, value: null });
    else port?.postMessage({ id: current.id, page: next.value } satisfies WorkerResponse);
  } catch (error) {
    endDump(failure(current.id, error));
  }
}

function endDump(response: WorkerResponse): void {
  const pages = dump?.pages;
  dump = undefined;
  pages?.return(undefined);
  port?.postMessage(response);
}

function handle(request: WorkerRequest): unknown {
  switch (request.kind) {
    case 'recover':
      return recover(engine, request.dir, request.untilSeq, request.maxQuads, request.acceptLoss);
    case 'apply':
      return applyAll(request.records, request.measure);
    case 'snapshot':
      return writeSnapshot(engine, request.dir, request.seq);
    case 'lowerPriority':
      return lowerThreadPriority(request.nice) ?? null;
    case 'call':
      if (request.method === 'stats') return { quads: engine.size, graphs: engine.listGraphs().length };
      return (engine[request.method] as (...args: unknown[]) => unknown).apply(engine, request.args);
  }
}

function failure(id: number, error: unknown): WorkerResponse {
  // A RuntimeError from WASM (memory exhausted) leaves the engine unusable: say so and let the host restart us.
  const fatal = error instanceof Error && error.name === 'RuntimeError';
  return { id, ok: false, error: toWireError(error), fatal };
}

function applyAll(records: LogRecord[], measure: boolean): ApplyOutcome {
  const outcome: ApplyOutcome = { errors: [] };
  applyRecords(engine, records, (seq, error) => outcome.errors.push({ seq, error: toWireError(error) }));
  if (measure) outcome.quads = engine.size;
  return outcome;
}
