import { StoreClosedError } from '../errors.ts';
import type { GraphTerm } from '../rdf/index.ts';
import type { DumpOptions, ProvStore, QueryMediaTypes, StoreStats, WriteReceipt } from './api.ts';
import { formatPages, pageOptions } from './dump-format.ts';
import { type EngineResults, OxigraphEngine, type WriteOp } from './engine.ts';
import { EngineStore } from './engine-store.ts';
import type { EngineQuery } from './prepare/engine-query.ts';

/**
 * A non-durable store in this thread: for tests, validators and tools that load files and query them.
 * Queries run synchronously, so `timeoutMs` is not enforced here (the durable store enforces it).
 */
export class MemoryStore extends EngineStore implements ProvStore {
  private engine: OxigraphEngine | undefined;
  private seq = 0;

  async open(): Promise<void> {
    this.engine ??= new OxigraphEngine();
  }

  async close(): Promise<void> {
    this.engine = undefined;
  }

  /**
   * Every page is read before the first is handed out: pages are LIMIT/OFFSET windows, so a write between two
   * of them would shift the windows and skip or repeat quads that were there all along. The whole store is in
   * this process's memory anyway; pages keep each string under V8's limit.
   */
  async *dump(options: DumpOptions): AsyncGenerator<string> {
    const engine = this.use();
    if (options.format === 'application/rdf+xml') yield engine.dumpGraph(options.format, options.graph);
    else yield* formatPages([...engine.dumpPages(pageOptions(options))], options.format);
  }

  async hasGraph(graph: GraphTerm): Promise<boolean> {
    return this.use().hasGraph(graph);
  }

  async listGraphs(): Promise<string[]> {
    return this.use().listGraphs();
  }

  async stats(): Promise<StoreStats> {
    const engine = this.use();
    return { quads: engine.size, graphs: engine.listGraphs().length, readOnly: false };
  }

  protected override runQuery(query: EngineQuery, accept: QueryMediaTypes | undefined): EngineResults {
    return this.use().query(query, accept);
  }

  protected override write(op: WriteOp): WriteReceipt {
    this.use().apply(op);
    this.seq += 1;
    return { seq: this.seq };
  }

  private use(): OxigraphEngine {
    if (!this.engine) throw new StoreClosedError();
    return this.engine;
  }
}

export async function openMemoryStore(): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.open();
  return store;
}
