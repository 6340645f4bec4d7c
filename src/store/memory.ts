import { StoreClosedError } from '../errors.ts';
import type { GraphTerm, QuadData } from '../rdf/index.ts';
import { quadsToNQuads } from '../rdf/index.ts';
import type {
  DumpOptions,
  LoadOptions,
  ProvStore,
  QueryMediaTypes,
  QueryOptions,
  SelectResult,
  SerializedResult,
  StoreStats,
  UpdateOptions,
  WriteReceipt,
} from './api.ts';
import { formatPages, pageOptions } from './dump-format.ts';
import { OxigraphEngine, type WriteOp } from './engine.ts';
import { toEngineQuery, toEngineUpdate } from './prepare/engine-query.ts';
import type { PreparedQuery, PreparedUpdate } from './prepare/prepare.ts';

/**
 * A non-durable store in this thread: for tests, validators and tools that load files and query them.
 * Queries run synchronously, so `timeoutMs` is not enforced here (the durable store enforces it).
 */
export class MemoryStore implements ProvStore {
  private engine: OxigraphEngine | undefined;
  private seq = 0;

  async open(): Promise<void> {
    this.engine ??= new OxigraphEngine();
  }

  async close(): Promise<void> {
    this.engine = undefined;
  }

  async select(query: string | PreparedQuery, options?: QueryOptions): Promise<SelectResult> {
    return this.use().select(toEngineQuery(query, options));
  }

  async ask(query: string | PreparedQuery, options?: QueryOptions): Promise<boolean> {
    return this.use().ask(toEngineQuery(query, options));
  }

  async construct(query: string | PreparedQuery, options?: QueryOptions): Promise<QuadData[]> {
    return this.use().construct(toEngineQuery(query, options));
  }

  async queryAs(
    query: string | PreparedQuery,
    accept: QueryMediaTypes,
    options?: QueryOptions,
  ): Promise<SerializedResult> {
    return this.use().queryAs(toEngineQuery(query, options), accept);
  }

  async update(update: string | PreparedUpdate, options?: UpdateOptions): Promise<WriteReceipt> {
    const { text, baseIri, union } = toEngineUpdate(update, options);
    return this.write({ op: 'update', text, ...(baseIri ? { baseIri } : {}), ...(union ? { union } : {}) });
  }

  async insert(quads: QuadData[]): Promise<WriteReceipt> {
    return this.write({ op: 'load', data: quadsToNQuads(quads), format: 'application/n-quads' });
  }

  async load(data: string, options: LoadOptions): Promise<WriteReceipt> {
    return this.write({ op: 'load', data, ...options });
  }

  async replaceGraph(graph: GraphTerm, data: string, options: LoadOptions): Promise<WriteReceipt> {
    return this.write({ op: 'replaceGraph', data, format: options.format, graph, baseIri: options.baseIri });
  }

  async dropGraph(graph: GraphTerm): Promise<WriteReceipt> {
    return this.write({ op: 'dropGraph', graph });
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

  private write(op: WriteOp): WriteReceipt {
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
