import { StoreClosedError } from '../../errors.ts';
import type { Logger } from '../../logger.ts';
import {
  type GraphTerm,
  isQuadMediaType,
  parseRdf,
  type QuadData,
  quadsToNQuads,
  serializeRdf,
} from '../../rdf/index.ts';
import { ENGINE_SYSTEM_GRAPH_PREFIXES, REMOTE_DEFAULT_GRAPH } from '../../vocab.ts';
import type {
  DumpOptions,
  LoadOptions,
  ProvStore,
  QueryCall,
  QueryOptions,
  QueryResults,
  StoreStats,
  UpdateOptions,
  WriteReceipt,
} from '../api.ts';
import { formatPages, pageOptions } from '../dump-format.ts';
import { toEngineUpdate } from '../prepare/engine-query.ts';
import { asPreparedQuery, type PreparedQuery, type PreparedUpdate } from '../prepare/prepare.ts';
import { Courier } from './courier.ts';
import { EngineWriter } from './engine-writer.ts';
import { SparqlHttp } from './http.ts';
import { Outbox } from './outbox.ts';
import { RemoteReader } from './reader.ts';
import { engineGraph, groupByGraph, type OutboxWrite } from './records.ts';
import { rewriteUpdate } from './virtuoso/default-graph.ts';
import { refuseQuotedTriples } from './virtuoso/rdf-star.ts';
import { settleGraphManagement } from './virtuoso/update-checks.ts';

export interface SparqlStoreOptions {
  /** SPARQL 1.1 Query endpoint, e.g. http://127.0.0.1:8890/sparql */
  queryUrl: string;
  /** SPARQL 1.1 Update endpoint, e.g. http://127.0.0.1:8890/sparql (after GRANT) or /sparql-auth */
  updateUrl: string;
  /** Graph Store Protocol endpoint (Virtuoso: /sparql-graph-crud or /sparql-graph-crud-auth); faster bulk writes. */
  graphStoreUrl?: string;
  /** Basic or Digest credentials, sent when the engine asks (HTTP 401). */
  username?: string;
  password?: string;
  /** Where acknowledged writes wait until the engine confirms them. */
  outboxDir: string;
  /** Per query, including the wait for the outbox to drain (default 30 s). */
  queryTimeoutMs?: number;
  /** Per write request to the engine (default 120 s). */
  writeTimeoutMs?: number;
  logger?: Logger;
  fetch?: typeof fetch;
  /** Graph IRI prefixes the engine keeps for itself (default: Virtuoso's). */
  systemGraphPrefixes?: string[];
  /** Triples per SPARQL INSERT DATA request (default 2,000; Virtuoso 7.2 fails near 5,000). */
  insertChunkTriples?: number;
}

const DEFAULT_GRAPH: GraphTerm = { termType: 'DefaultGraph', value: '' };

/**
 * The store facade over an external SPARQL 1.1 engine (tested with Virtuoso 7.2). Writes are durable
 * when they are in the local outbox; a background courier delivers them in order. Reads first wait
 * (within the query time limit) until every write acknowledged before them has reached the engine.
 */
export class SparqlStore implements ProvStore {
  /** Virtuoso refuses an update of a few thousand triples: the online state and the ledger split by this. */
  readonly maxUpdateTriples = 1_000;
  private readonly http: SparqlHttp;
  private readonly reader: RemoteReader;
  private readonly writer: EngineWriter;
  private readonly queryTimeoutMs: number;
  private outbox: Outbox | undefined;
  private courier: Courier | undefined;

  constructor(private readonly options: SparqlStoreOptions) {
    const credentials =
      options.username !== undefined
        ? { username: options.username, password: options.password ?? '' }
        : undefined;
    this.http = new SparqlHttp(
      { queryUrl: options.queryUrl, updateUrl: options.updateUrl, graphStoreUrl: options.graphStoreUrl },
      credentials,
      options.fetch,
    );
    this.reader = new RemoteReader(this.http, options.systemGraphPrefixes);
    this.writer = new EngineWriter(this.http, {
      insertChunk: options.insertChunkTriples ?? 2_000,
      graphStoreChunk: 50_000,
      timeoutMs: options.writeTimeoutMs ?? 120_000,
    });
    this.queryTimeoutMs = options.queryTimeoutMs ?? 30_000;
  }

  async open(): Promise<void> {
    if (this.outbox) return;
    const outbox = await Outbox.open(this.options.outboxDir);
    this.outbox = outbox;
    this.courier = new Courier(outbox, this.writer, this.options.updateUrl, this.options.logger, {
      batchTriples: 20_000,
      retry: { baseMs: 100, maxMs: 5_000 },
    });
    if (outbox.pendingCount > 0)
      this.options.logger?.info(
        { pending: outbox.pendingCount },
        'Redelivering outbox records to the SPARQL engine',
      );
    this.courier.start();
  }

  async close(): Promise<void> {
    await this.courier?.stop();
    await this.outbox?.close();
    this.courier = undefined;
    this.outbox = undefined;
  }

  async query(text: string | PreparedQuery, options: QueryCall = {}): Promise<QueryResults> {
    const query = asPreparedQuery(text, options.baseIri);
    const timeoutMs = await this.readable(options);
    // Serialized by provml's own writers, from the engine's answer as it arrives (see serialized.ts): engines
    // differ in what formats they write and how (Virtuoso answers CONSTRUCT in JSON as a result set), and
    // every backend must answer alike.
    if (options.accept) return this.reader.serialized(query, options.accept, options, timeoutMs);
    return this.reader.query(query, options, timeoutMs);
  }

  async update(update: string | PreparedUpdate, options: UpdateOptions = {}): Promise<WriteReceipt> {
    const { courier, outbox } = this.use();
    const { prepared, union } = toEngineUpdate(update, options);
    refuseQuotedTriples(prepared.parsed);
    const settled = await settleGraphManagement(prepared.parsed, {
      holds: (value) => this.hasGraph({ termType: 'NamedNode', value }),
      isUserGraph: (value) => this.reader.isUserGraph(value),
    });
    const rewritten = await rewriteUpdate(settled, REMOTE_DEFAULT_GRAPH, {
      namedGraphs: () => this.listGraphs(),
      ...(union
        ? { union: { systemGraphPrefixes: this.options.systemGraphPrefixes ?? ENGINE_SYSTEM_GRAPH_PREFIXES } }
        : {}),
    });
    if (rewritten.trim() !== '')
      await courier.runInOrder(() => this.writer.update(rewritten), this.queryTimeoutMs);
    return { seq: outbox.lastSeq };
  }

  async insert(quads: QuadData[]): Promise<WriteReceipt> {
    return this.append({ op: 'insert', groups: groupByGraph(quads) });
  }

  async load(data: string, options: LoadOptions): Promise<WriteReceipt> {
    let quads = await parseRdf(data, options.format, parseOptions(options.graph, options.baseIri));
    if (options.graph && isQuadMediaType(options.format))
      quads = quads.map((q) => ({ ...q, graph: options.graph as GraphTerm }));
    return this.append({ op: 'insert', groups: groupByGraph(quads) });
  }

  async replaceGraph(graph: GraphTerm, data: string, options: LoadOptions): Promise<WriteReceipt> {
    const target = engineGraph(graph);
    const quads = (await parseRdf(data, options.format, parseOptions(graph, options.baseIri))).map((q) => ({
      ...q,
      graph,
    }));
    const [group] = groupByGraph(quads);
    return this.append({
      op: 'replaceGraph',
      graph: target,
      lines: group?.lines ?? [],
      blank: group?.blank ?? false,
    });
  }

  async dropGraph(graph: GraphTerm): Promise<WriteReceipt> {
    return this.append({ op: 'dropGraph', graph: engineGraph(graph) });
  }

  /**
   * Read from the engine graph by graph, a page (SELECT … LIMIT/OFFSET) at a time as it is pulled. The
   * engine has no snapshot to page through: a write delivered to a graph while it is being read shifts the
   * windows, so that graph's dump may skip or repeat quads. Dump a quiet store (docs/virtuoso.md).
   */
  async *dump(options: DumpOptions): AsyncGenerator<string> {
    const pages = this.dumpPages(options);
    if (options.format !== 'application/rdf+xml') {
      yield* formatPages(
        (async function* () {
          for await (const quads of pages) yield quadsToNQuads(quads);
        })(),
        options.format,
      );
      return;
    }
    // No streaming RDF/XML writer: the graph is serialized whole.
    const quads: QuadData[] = [];
    for await (const page of pages) for (const quad of page) quads.push(quad);
    yield await serializeRdf(quads, options.format);
  }

  private async *dumpPages(options: DumpOptions): AsyncGenerator<QuadData[]> {
    const timeoutMs = await this.readable({});
    const { graph, triples, pageQuads } = pageOptions(options);
    const graphs: GraphTerm[] = graph ? [graph] : [DEFAULT_GRAPH];
    if (!graph && !triples) {
      for (const named of await this.reader.listGraphs(timeoutMs))
        graphs.push({ termType: 'NamedNode', value: named });
    }
    for (const source of graphs) {
      const target = triples ? DEFAULT_GRAPH : source;
      yield* this.reader.graphPages(engineGraph(source), target, this.queryTimeoutMs, pageQuads);
    }
  }

  async hasGraph(graph: GraphTerm): Promise<boolean> {
    if (graph.termType === 'DefaultGraph') return true;
    return this.reader.hasGraph(engineGraph(graph), await this.readable({}));
  }

  async listGraphs(): Promise<string[]> {
    return this.reader.listGraphs(await this.readable({}));
  }

  async stats(): Promise<StoreStats> {
    const { quads, graphs } = await this.reader.countQuads(await this.readable({}));
    return { quads, graphs, readOnly: false };
  }

  /** Undelivered outbox records (for health reports). */
  get pendingWrites(): number {
    return this.outbox?.pendingCount ?? 0;
  }

  private async append(write: OutboxWrite): Promise<WriteReceipt> {
    const { outbox, courier } = this.use();
    const seq = await outbox.append(write);
    courier.notify();
    return { seq };
  }

  /** Waits for the outbox to drain; returns the time left for the query itself. */
  private async readable(options: QueryOptions): Promise<number> {
    const { outbox, courier } = this.use();
    const budget = options.timeoutMs ?? this.queryTimeoutMs;
    const started = Date.now();
    await courier.waitDelivered(outbox.lastSeq, budget);
    return Math.max(1, budget - (Date.now() - started));
  }

  private use(): { outbox: Outbox; courier: Courier } {
    if (!this.outbox || !this.courier) throw new StoreClosedError();
    return { outbox: this.outbox, courier: this.courier };
  }
}

function parseOptions(graph: GraphTerm | undefined, baseIri: string | undefined) {
  return { ...(graph ? { graph } : {}), ...(baseIri ? { baseIri } : {}) };
}

export async function openSparqlStore(options: SparqlStoreOptions): Promise<SparqlStore> {
  const store = new SparqlStore(options);
  await store.open();
  return store;
}
