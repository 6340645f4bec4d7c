import type { GraphTerm, QuadData } from '../rdf/index.ts';
import { quadsToNQuads } from '../rdf/index.ts';
import type {
  LoadOptions,
  QueryCall,
  QueryMediaTypes,
  QueryOptions,
  QueryResults,
  UpdateOptions,
  WriteReceipt,
} from './api.ts';
import type { EngineResults, WriteOp } from './engine.ts';
import { type EngineQuery, toEngineQuery, toEngineUpdate } from './prepare/engine-query.ts';
import type { PreparedQuery, PreparedUpdate } from './prepare/prepare.ts';
import { fromEngineResults } from './query-results.ts';

/**
 * What the two stores over OxigraphEngine share (MemoryStore in this thread, DurableStore in a worker behind
 * its log): every query reaches the engine as one EngineQuery, every write as one WriteOp. They differ only
 * in how one is run and how one is made durable.
 */
export abstract class EngineStore {
  /** `options`: the caller's, for what the engine itself does not see (the time limit). */
  protected abstract runQuery(
    query: EngineQuery,
    accept: QueryMediaTypes | undefined,
    options: QueryOptions,
  ): EngineResults | Promise<EngineResults>;

  /**
   * `knownValidQuads`: the op is known valid and adds at most this many quads (no parse check needed).
   * `mayAdd`: for an update, whether its parse shows an operation that can add quads.
   */
  protected abstract write(
    op: WriteOp,
    knownValidQuads?: number,
    mayAdd?: boolean,
  ): WriteReceipt | Promise<WriteReceipt>;

  // The engine gets plain data (the text and the facts of its parse), never the parsed tree.
  async query(query: string | PreparedQuery, options: QueryCall = {}): Promise<QueryResults> {
    return fromEngineResults(await this.runQuery(toEngineQuery(query, options), options.accept, options));
  }

  async update(update: string | PreparedUpdate, options?: UpdateOptions): Promise<WriteReceipt> {
    const { prepared, text, baseIri, union } = toEngineUpdate(update, options);
    const op: WriteOp = { op: 'update', text, ...(baseIri ? { baseIri } : {}), ...(union ? { union } : {}) };
    return this.write(op, undefined, prepared.mayAdd);
  }

  async insert(quads: QuadData[]): Promise<WriteReceipt> {
    // Serialized through the audited term writer, so the N-Quads are valid by construction: no parse needed,
    // and a size ceiling counts every quad (an over-estimate only when the batch repeats quads).
    return this.write(
      { op: 'load', data: quadsToNQuads(quads), format: 'application/n-quads' },
      quads.length,
    );
  }

  async load(data: string, options: LoadOptions): Promise<WriteReceipt> {
    return this.write({ op: 'load', data, ...options });
  }

  /** Replaces the content of a graph (Graph Store PUT). */
  async replaceGraph(graph: GraphTerm, data: string, options: LoadOptions): Promise<WriteReceipt> {
    return this.write({ op: 'replaceGraph', data, format: options.format, graph, baseIri: options.baseIri });
  }

  async dropGraph(graph: GraphTerm): Promise<WriteReceipt> {
    return this.write({ op: 'dropGraph', graph });
  }
}
