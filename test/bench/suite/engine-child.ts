// Child process of the query and ingestion groups: holds one in-memory store and answers EngineRequests.
// Started by EngineHost with --expose-gc so memory is measured after a collection.
import { federatedSelect } from '../../../src/query/index.ts';
import { OxigraphEngine } from '../../../src/store/engine.ts';
import {
  type MemoryStore,
  openMemoryStore,
  refreshOnlineState,
  selectRows,
} from '../../../src/store/index.ts';
import type { EngineProgress, EngineReply, EngineRequest, LoadReply, QueryReply } from './engine-protocol.ts';
import { fileByteChunks, nquadChunks } from './nquads.ts';

let store: MemoryStore | undefined;

function rssAfterGc(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().rss;
}

/** The first megabyte of the data, loaded once into a throwaway engine by each path before it is timed, so
 *  neither figure includes WebAssembly compilation and JIT warm-up. */
function warmUp(files: string[], path: 'transaction' | 'bulk'): void {
  const first = files[0];
  if (!first) return;
  const piece = nquadChunks(first, 1 << 20).next().value ?? '';
  const engine = new OxigraphEngine();
  if (path === 'bulk') engine.loadNQuads([Buffer.from(piece)]);
  else engine.apply({ op: 'load', data: piece, format: 'application/n-quads' });
}

async function load(files: string[]): Promise<LoadReply> {
  warmUp(files, 'transaction');
  const rssBeforeBytes = rssAfterGc();
  const started = performance.now();
  store = await openMemoryStore();
  for (const file of files) {
    for (const chunk of nquadChunks(file)) await store.load(chunk, { format: 'application/n-quads' });
  }
  const ms = performance.now() - started;
  const stateStarted = performance.now();
  await refreshOnlineState(store);
  const stateMs = performance.now() - stateStarted;
  return { ms, stateMs, quads: (await store.stats()).quads, rssBeforeBytes, rssAfterBytes: rssAfterGc() };
}

/** Oxigraph's own bulk path (Store.load without transaction, one parse over the byte stream, as snapshots load):
 *  the ceiling for any loader. Through the store's engine class, the one module that calls Oxigraph. */
function rawLoad(files: string[]): LoadReply {
  warmUp(files, 'bulk');
  const rssBeforeBytes = rssAfterGc();
  const started = performance.now();
  const engine = new OxigraphEngine();
  for (const file of files) engine.loadNQuads(fileByteChunks(file));
  const ms = performance.now() - started;
  return { ms, quads: engine.size, rssBeforeBytes, rssAfterBytes: rssAfterGc() };
}

async function runOnce(engine: 'native' | 'comunica', query: string, budgetMs: number): Promise<number> {
  if (!store) throw new Error('No data loaded.');
  if (engine === 'native') return (await selectRows(store, query, { unionDefaultGraph: true })).rows.length;
  return (await federatedSelect(query, { store, timeoutMs: budgetMs, unionDefaultGraph: true })).rows.length;
}

async function query(request: Extract<EngineRequest, { op: 'query' }>): Promise<QueryReply> {
  const reply: QueryReply = { samples: [], warmupMs: [], rows: 0 };
  const started = performance.now();
  const total = request.warmup + request.reps;
  for (let i = 0; i < total; i++) {
    const t0 = performance.now();
    try {
      reply.rows = await runOnce(request.engine, request.query, request.budgetMs);
    } catch (error) {
      if (/exceeded|timed? ?out|timeout/i.test(String((error as Error).message)) && i === 0)
        return { ...reply, timedOut: true };
      throw error;
    }
    const ms = performance.now() - t0;
    process.send?.({ progress: ms } satisfies EngineProgress);
    if (i < request.warmup) reply.warmupMs.push(ms);
    else reply.samples.push(ms);
    // Keep at least one measured run; stop repeating once the budget is spent.
    if (performance.now() - started > request.budgetMs && reply.samples.length > 0) break;
  }
  return reply;
}

async function handle(request: EngineRequest): Promise<LoadReply | QueryReply> {
  switch (request.op) {
    case 'load':
      return load(request.files);
    case 'rawload':
      return rawLoad(request.files);
    case 'query':
      return query(request);
  }
}

process.on('message', (request: EngineRequest) => {
  handle(request).then(
    (value) => process.send?.({ ok: true, value } satisfies EngineReply),
    (error: unknown) =>
      process.send?.({
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      } satisfies EngineReply),
  );
});
process.send?.({ ok: true, value: { ready: true } });
