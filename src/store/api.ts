import type { GraphTerm, QuadData, Term } from '../rdf/index.ts';
import type { PreparedQuery, PreparedUpdate } from './prepare/prepare.ts';

/** Which graphs a query sees (SPARQL Protocol `default-graph-uri` / `named-graph-uri`). */
export interface Dataset {
  defaultGraphs?: string[];
  namedGraphs?: string[];
}

export interface QueryOptions {
  dataset?: Dataset;
  /**
   * The union of all graphs is the default graph (handy for provenance spread over many graphs), for a
   * query that names no dataset of its own (FROM, FROM NAMED, `dataset`).
   */
  unionDefaultGraph?: boolean;
  baseIri?: string;
  /** Abort (QueryTimeoutError) when the query runs longer than this. */
  timeoutMs?: number;
}

export interface UpdateOptions {
  baseIri?: string;
  /**
   * Union mode: the WHERE of an operation without USING / WITH matches the union of all graphs (as a
   * query does), and a triple it deletes from the default graph is deleted from every graph holding it.
   * INSERT without GRAPH still writes to the stored default graph.
   */
  unionDefaultGraph?: boolean;
}

export interface SelectResult {
  variables: string[];
  rows: Array<Record<string, Term>>;
}

export type QueryForm = 'select' | 'ask' | 'construct' | 'describe';

/**
 * What a query answers, by its form (like Oxigraph's `QueryResults`): SELECT its solutions, ASK its boolean,
 * CONSTRUCT and DESCRIBE their graph; asked with `accept`, the answer already serialized. The typed helpers
 * (`selectRows`, `askBoolean`, `constructQuads`, `querySerialized` in query-results.ts) check the form first.
 */
export type QueryResults =
  | ({ kind: 'solutions' } & SelectResult)
  | { kind: 'boolean'; value: boolean }
  | { kind: 'graph'; quads: QuadData[] }
  | SerializedResults;

/** A query answered already serialized in the requested media type (the endpoint's fast path). */
export interface SerializedResults {
  kind: 'serialized';
  form: QueryForm;
  mediaType: string;
  /**
   * The body in pieces, pulled as they are sent. The embedded engines answer in one piece (Oxigraph serializes
   * a result whole), the remote store a piece per part of the engine's answer; a sender must not assume either.
   * An iteration that rejects means the answer broke off: what came before it is not the whole answer.
   */
  body: AsyncIterable<string>;
}

/** A query's options and, to have the answer serialized, the media types to serialize it in. */
export interface QueryCall extends QueryOptions {
  accept?: QueryMediaTypes;
}

export type RdfFormat =
  | 'application/n-quads'
  | 'application/n-triples'
  | 'text/turtle'
  | 'application/trig'
  | 'application/rdf+xml';

/**
 * What to dump. With `graph`, that graph; without, every graph for a quad format (N-Quads, TriG) and the
 * default graph for a triple format. Quad formats keep graph names, so a dump loads back where it came from.
 */
export interface DumpOptions {
  format: RdfFormat;
  graph?: GraphTerm;
  /** Quads per page read from the engine (default 50,000: a few MiB of N-Quads); memory held by a dump grows with it. */
  pageQuads?: number;
}

export interface LoadOptions {
  format: RdfFormat;
  /** Target graph for triple formats; ignored for quad formats unless set. Defaults to the default graph. */
  graph?: GraphTerm;
  baseIri?: string;
}

export interface WriteReceipt {
  /** Position of the write in the durable log (monotonic). */
  seq: number;
}

export interface StoreStats {
  quads: number;
  graphs: number;
  readOnly: boolean;
  readOnlyReason?: string;
}

/**
 * The one typed facade over storage. Every implementation (in-memory, durable embedded, later remote
 * SPARQL engines) honours the same contract: a write promise resolves only once the write is durable
 * for that implementation, and reads issued after a resolved write see it.
 */
export interface ProvStore {
  /**
   * The most triples one update request may hold, where the engine has such a limit (Virtuoso's SPARQL compiler
   * runs out of memory near 5,000); undefined: no limit. Writers that build large updates split them by it.
   */
  readonly maxUpdateTriples?: number;
  open(): Promise<void>;
  close(): Promise<void>;

  // A query or update is given prepared (parsed once at the edge: prepareQuery / prepareUpdate) or as text,
  // which is then prepared here; either way a malformed or over-deep one is a 400 before any engine runs.
  /** Runs any query form; with `accept` (candidate media types by form) the answer comes serialized. */
  query(query: string | PreparedQuery, options?: QueryCall): Promise<QueryResults>;

  update(update: string | PreparedUpdate, options?: UpdateOptions): Promise<WriteReceipt>;
  insert(quads: QuadData[]): Promise<WriteReceipt>;
  load(data: string, options: LoadOptions): Promise<WriteReceipt>;
  /** Replaces the content of a graph (Graph Store PUT). */
  replaceGraph(graph: GraphTerm, data: string, options: LoadOptions): Promise<WriteReceipt>;
  dropGraph(graph: GraphTerm): Promise<WriteReceipt>;

  /**
   * The data as text in pieces (each ends at a statement's end), read page by page as they are pulled: a
   * dump holds a bounded number of pages whatever the store's size, and stops reading when the consumer
   * stops (`break`, `return()`). RDF/XML is the exception: it is serialized from one graph held whole.
   */
  dump(options: DumpOptions): AsyncIterable<string>;
  hasGraph(graph: GraphTerm): Promise<boolean>;
  listGraphs(): Promise<string[]>;
  stats(): Promise<StoreStats>;
}

/** The media type to use for each query form, chosen by the caller's content negotiation. */
export interface QueryMediaTypes {
  /** For SELECT and ASK: a SPARQL results media type. */
  results: string;
  /** For CONSTRUCT and DESCRIBE: an RDF media type. */
  graph: string;
}
