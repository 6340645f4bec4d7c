import * as ox from 'oxigraph';
import { BadRequestError } from '../errors.ts';
import {
  DEFAULT_GRAPH,
  fromJsonTerm,
  fromOxQuad,
  type GraphTerm,
  iriToNTriples,
  type JsonTerm,
  SPARQL_RESULTS_JSON,
  type Term,
  termToNTriples,
  toOxGraph,
} from '../rdf/index.ts';
import type {
  Dataset,
  LoadOptions,
  QueryMediaTypes,
  QueryResults,
  SelectResult,
  SerializedResults,
} from './api.ts';
import { dumpPages, type PageOptions } from './dump-pages.ts';
import { fromOxigraphError, isOxigraphSyntaxError } from './oxigraph-errors.ts';
import type { EngineQuery } from './prepare/engine-query.ts';
import { discardProbe, isWasmFault, probeOxigraph } from './probe.ts';
import { applyUnionUpdate } from './union-update.ts';

const JSON_RESULTS = SPARQL_RESULTS_JSON;
const SINGLE_DUMP_MAX_QUADS = 1_500_000;

/** A write as it is recorded in the durable log and applied to the engine. */
export type WriteOp =
  /** `union`: the update's WHERE sees the union of all graphs (see union-update.ts). */
  | { op: 'update'; text: string; baseIri?: string; union?: boolean }
  | { op: 'load'; data: string; format: LoadOptions['format']; graph?: GraphTerm; baseIri?: string }
  | { op: 'replaceGraph'; data: string; format: LoadOptions['format']; graph: GraphTerm; baseIri?: string }
  | { op: 'dropGraph'; graph: GraphTerm };

/** What the engine answers: plain data (it crosses from the worker thread), a serialized body one string. */
export type EngineResults =
  | Exclude<QueryResults, SerializedResults>
  | (Omit<SerializedResults, 'body'> & { body: string });

/**
 * Synchronous operations over one in-memory Oxigraph store. It is the single piece of code that
 * calls Oxigraph's Store; the in-memory facade and the durable store's worker both drive it.
 */
export class OxigraphEngine {
  private readonly store = new ox.Store();

  get size(): number {
    return this.store.size;
  }

  /** Runs a query of any form; with `accept`, answers it serialized in the media type chosen for its form. */
  query(query: EngineQuery, accept?: QueryMediaTypes): EngineResults {
    if (accept) {
      const mediaType = query.form === 'select' || query.form === 'ask' ? accept.results : accept.graph;
      return { kind: 'serialized', form: query.form, mediaType, body: this.run(query, mediaType) as string };
    }
    switch (query.form) {
      case 'select':
        return { kind: 'solutions', ...this.solutions(query) };
      case 'ask':
        return { kind: 'boolean', value: this.run(query) as boolean };
      case 'construct':
      case 'describe':
        return { kind: 'graph', quads: (this.run(query) as ox.Quad[]).map(fromOxQuad) };
    }
  }

  /**
   * Applies a write. `validated`: the data was already parsed successfully (the durable store checks
   * every write before logging it), so it is loaded without a transaction, whose cost grows with the
   * store's size in Oxigraph's in-memory storage.
   */
  apply(write: WriteOp, options: { validated?: boolean } = {}): void {
    try {
      switch (write.op) {
        case 'update':
          if (write.union) applyUnionUpdate(this.store, write.text, write.baseIri);
          else this.store.update(write.text, write.baseIri ? { base_iri: write.baseIri } : undefined);
          return;
        case 'load':
          this.store.load(write.data, { ...loadOptions(write), no_transaction: options.validated === true });
          return;
        case 'replaceGraph': {
          // Parse first so that malformed data leaves the graph untouched.
          const quads = ox.parse(write.data, {
            format: write.format,
            base_iri: write.baseIri,
            to_graph_name: toOxGraph(write.graph),
          }) as ox.Quad[];
          this.clearGraph(write.graph);
          for (const quad of quads) this.store.add(retarget(quad, write.graph));
          return;
        }
        case 'dropGraph':
          this.clearGraph(write.graph);
          return;
      }
    } catch (error) {
      throw fromOxigraphError(error, 'write');
    }
  }

  /**
   * Checks a write against an empty engine, so a malformed write is refused before it is logged.
   * Returns how many quads the write adds to an empty store: exact for data and INSERT DATA, a lower
   * bound for updates with a WHERE clause (the durable store's size ceiling uses it).
   */
  static validate(write: WriteOp): number {
    if (write.op === 'dropGraph') {
      if (write.graph.termType === 'NamedNode') iriToNTriples(write.graph.value);
      return 0;
    }
    const probe = probeOxigraph();
    const store = new probe.Store();
    try {
      if (write.op === 'update') return probeUpdate(store, write);
      // Parsed inside WASM into a throw-away store: about 3x faster than ox.parse, which builds a JS
      // object per term, and the count is exact (duplicates counted once).
      store.load(write.data, { format: write.format, base_iri: write.baseIri, no_transaction: true });
      return store.size;
    } catch (error) {
      if (isWasmFault(error)) {
        discardProbe();
        throw new BadRequestError(
          `The engine could not check this write (${(error as Error).message}); it was refused and nothing was written. Split or simplify it.`,
        );
      }
      throw fromOxigraphError(error, 'data');
    } finally {
      // After a fault the instance is dropped whole; freeing its store could only fault again.
      if (probe === probeOxigraph()) (store as unknown as { free?: () => void }).free?.();
    }
  }

  /** Loads N-Quads given in pieces (a snapshot read from disk) in one parse, so blank nodes stay joined. */
  loadNQuads(chunks: Iterable<string | Uint8Array>): void {
    this.store.load(chunks, { format: 'application/n-quads', no_transaction: true });
  }

  /** The data as N-Quads (or N-Triples) text, one page of at most `pageQuads` lines at a time. */
  dumpPages(options: PageOptions): Generator<string> {
    return dumpPages((query, resultsFormat) => this.selectText(query, resultsFormat), options);
  }

  /**
   * Every quad as N-Quads for a snapshot file: one native dump (about twice as fast as pages) while the
   * text stays far below V8's string limit, pages beyond.
   */
  snapshotPages(): Iterable<string> {
    if (this.store.size <= SINGLE_DUMP_MAX_QUADS) return [this.store.dump({ format: 'application/n-quads' })];
    return this.dumpPages({ triples: false });
  }

  /** One graph (the default graph unless named) in a format Oxigraph writes, as one string. */
  dumpGraph(format: LoadOptions['format'], graph: GraphTerm = DEFAULT_GRAPH): string {
    return this.store.dump({ format, from_graph_name: toOxGraph(graph) });
  }

  hasGraph(graph: GraphTerm): boolean {
    if (graph.termType === 'DefaultGraph') return true;
    return this.store.query(`ASK { GRAPH ${termToNTriples(graph)} { ?s ?p ?o } }`) as boolean;
  }

  listGraphs(): string[] {
    const result = this.store.query('SELECT DISTINCT ?g WHERE { GRAPH ?g { } }') as Map<string, ox.Term>[];
    return result.map((row) => row.get('g')?.value ?? '').filter((g) => g !== '');
  }

  private clearGraph(graph: GraphTerm): void {
    // DROP also forgets the (then empty) named graph, so listGraphs() and snapshots agree on what exists.
    if (graph.termType === 'NamedNode') this.store.update(`DROP SILENT GRAPH ${iriToNTriples(graph.value)}`);
    else if (graph.termType === 'DefaultGraph') this.store.update('DROP SILENT DEFAULT');
    else for (const quad of this.store.match(null, null, null, toOxGraph(graph))) this.store.delete(quad);
  }

  private selectText(query: string, resultsFormat: string): string {
    return this.store.query(query, { results_format: resultsFormat }) as string;
  }

  /** Solutions read from the engine's own JSON: faster than converting its term objects one by one. */
  private solutions(query: EngineQuery): SelectResult {
    const json = JSON.parse(this.run(query, JSON_RESULTS) as string) as {
      head: { vars?: string[] };
      results: { bindings: Array<Record<string, JsonTerm>> };
    };
    const rows = json.results.bindings.map((binding) => {
      const row: Record<string, Term> = {};
      for (const [name, value] of Object.entries(binding)) row[name] = fromJsonTerm(value);
      return row;
    });
    return { variables: json.head.vars ?? [], rows };
  }

  private run(query: EngineQuery, resultsFormat?: string): unknown {
    try {
      return this.store.query(query.text, queryOptions(query, resultsFormat));
    } catch (error) {
      throw fromOxigraphError(error, 'query');
    }
  }
}

function queryOptions(query: EngineQuery, resultsFormat?: string): Parameters<ox.Store['query']>[1] {
  const out: NonNullable<Parameters<ox.Store['query']>[1]> = {};
  if (query.baseIri) out.base_iri = query.baseIri;
  if (resultsFormat) out.results_format = resultsFormat;
  if (query.unionDefaultGraph) out.use_default_graph_as_union = true;
  applyDataset(out, query.dataset);
  return out;
}

/** Exactly the graphs named: a dataset without named graphs has none (and one without FROM an empty default). */
function applyDataset(out: NonNullable<Parameters<ox.Store['query']>[1]>, dataset?: Dataset): void {
  if (!dataset) return;
  out.default_graph = (dataset.defaultGraphs ?? []).map((g) => ox.namedNode(g));
  out.named_graphs = (dataset.namedGraphs ?? []).map((g) => ox.namedNode(g));
}

/**
 * Checks an update on an empty store. Only syntax is checked: on an empty store an update may fail for
 * reasons (a missing graph) that do not hold on the real one. Returns what it added there, a lower bound.
 */
function probeUpdate(store: ox.Store, write: Extract<WriteOp, { op: 'update' }>): number {
  try {
    store.update(write.text, write.baseIri ? { base_iri: write.baseIri } : undefined);
  } catch (error) {
    if (isWasmFault(error)) throw error;
    if (isOxigraphSyntaxError(error)) throw fromOxigraphError(error, 'update');
  }
  return store.size;
}

function loadOptions(write: Extract<WriteOp, { op: 'load' }>): Parameters<ox.Store['load']>[1] {
  const out: Parameters<ox.Store['load']>[1] = { format: write.format };
  if (write.baseIri) out.base_iri = write.baseIri;
  if (write.graph) out.to_graph_name = toOxGraph(write.graph);
  return out;
}

function retarget(quad: ox.Quad, graph: GraphTerm): ox.Quad {
  return ox.quad(quad.subject, quad.predicate, quad.object, toOxGraph(graph));
}
