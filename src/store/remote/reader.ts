import sparqljs from 'sparqljs';
import { BadRequestError } from '../../errors.ts';
import {
  booleanFromJson,
  type GraphTerm,
  iriToNTriples,
  N_TRIPLES,
  parseRdf,
  type QuadData,
  SPARQL_RESULTS_JSON,
  serializeBoolean,
  solutionsFromJson,
} from '../../rdf/index.ts';
import { ENGINE_SYSTEM_GRAPH_PREFIXES, REMOTE_DEFAULT_GRAPH, rdf } from '../../vocab.ts';
import type { QueryMediaTypes, QueryOptions, QueryResults, SelectResult, SerializedResults } from '../api.ts';
import { type EngineQuery, toEngineQuery } from '../prepare/engine-query.ts';
import type { PreparedQuery } from '../prepare/prepare.ts';
import { onePiece } from '../query-results.ts';
import type { EngineResponse, SparqlHttp } from './http.ts';
import { engineJson, rowsAsQuads } from './rdf-codec.ts';
import { serializedGraph, serializedSolutions } from './serialized.ts';
import { rewriteQueryDefaultGraph } from './virtuoso/default-graph.ts';
import { refuseQuotedTriples } from './virtuoso/rdf-star.ts';
import { NO_SYSTEM_GRAPHS, needsSystemGraphExclusion, type SystemGraphs } from './virtuoso/system-graphs.ts';

// Reads against the engine. provml's default graph lives in REMOTE_DEFAULT_GRAPH there. A user query
// without a dataset of its own gets it as default-graph-uri, unless it uses GRAPH: Virtuoso then hides
// every named graph (the protocol's empty named-graph set), so such a query is rewritten instead, its
// default-graph patterns moved into GRAPH <stand-in>. With unionDefaultGraph the engine's default graph
// (on Virtuoso the union of every graph) is used; a query that could match Virtuoso's system graphs gets
// them excluded (see system-graphs.ts).

const DEFAULT_GRAPH: GraphTerm = { termType: 'DefaultGraph', value: '' };
/** Every graph (GROUP BY: Virtuoso 7.2 answers SELECT DISTINCT ?g in seconds where this takes milliseconds). */
const GRAPHS_QUERY = 'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g';

export class RemoteReader {
  private system: Promise<SystemGraphs> | undefined;

  constructor(
    private readonly http: SparqlHttp,
    private readonly systemGraphPrefixes: readonly string[] = ENGINE_SYSTEM_GRAPH_PREFIXES,
  ) {}

  /** A user query of any form, answered as data (its solutions, its boolean or its graph). */
  async query(
    query: PreparedQuery,
    options: QueryOptions,
    timeoutMs: number,
  ): Promise<Exclude<QueryResults, SerializedResults>> {
    if (query.form === 'construct' || query.form === 'describe') {
      const answer = await this.run(query, N_TRIPLES, options, timeoutMs);
      const quads = answer.contentType.includes('json')
        ? rowsAsQuads(engineJson(answer.body, this.http.urls.queryUrl), () => DEFAULT_GRAPH)
        : await parseRdf(answer.body, N_TRIPLES);
      return { kind: 'graph', quads };
    }
    const json = engineJson(
      (await this.run(query, SPARQL_RESULTS_JSON, options, timeoutMs)).body,
      this.http.urls.queryUrl,
    );
    if (query.form === 'ask') return { kind: 'boolean', value: booleanFromJson(json) };
    if (typeof json.boolean === 'boolean' || !json.results)
      throw new BadRequestError('Expected a SELECT query.');
    return { kind: 'solutions', ...solutionsFromJson(json) };
  }

  /**
   * A user query answered serialized in `accept`'s media type. SELECT rows and N-Triples / N-Quads graphs are
   * read from the engine and written again as they arrive (see serialized.ts); an ASK is one value.
   */
  async serialized(
    query: PreparedQuery,
    accept: QueryMediaTypes,
    options: QueryOptions,
    timeoutMs: number,
  ): Promise<SerializedResults> {
    const { form } = query;
    if (form === 'ask') {
      const answer = await this.query(query, options, timeoutMs);
      const value = answer.kind === 'boolean' && answer.value;
      return {
        kind: 'serialized',
        form,
        mediaType: accept.results,
        body: onePiece(serializeBoolean(value, accept.results)),
      };
    }
    const graph = form === 'construct' || form === 'describe';
    const { text, params } = await this.request(query, options, timeoutMs);
    const stream = await this.http.queryStream(
      text,
      graph ? N_TRIPLES : SPARQL_RESULTS_JSON,
      params,
      timeoutMs,
    );
    const source = `The SPARQL engine at ${this.http.urls.queryUrl}`;
    if (!graph)
      return {
        kind: 'serialized',
        form,
        mediaType: accept.results,
        body: await serializedSolutions(stream, accept.results, source),
      };
    return {
      kind: 'serialized',
      form,
      mediaType: accept.graph,
      body: await serializedGraph(stream, accept.graph, source),
    };
  }

  /** Named graphs holding provml data: the engine's own graphs and the stand-in default graph left out. */
  async listGraphs(timeoutMs: number): Promise<string[]> {
    const result = await this.engineSelect(GRAPHS_QUERY, timeoutMs);
    return result.rows.map((row) => row.g?.value ?? '').filter((g) => g !== '' && this.isUserGraph(g));
  }

  async countQuads(timeoutMs: number): Promise<{ quads: number; graphs: number }> {
    const result = await this.engineSelect(GRAPHS_QUERY, timeoutMs);
    let quads = 0;
    let graphs = 0;
    for (const row of result.rows) {
      const graph = row.g?.value ?? '';
      if (graph !== REMOTE_DEFAULT_GRAPH && !this.isUserGraph(graph)) continue;
      quads += Number(row.n?.value ?? 0);
      if (graph !== REMOTE_DEFAULT_GRAPH) graphs += 1;
    }
    return { quads, graphs };
  }

  async hasGraph(graph: string, timeoutMs: number): Promise<boolean> {
    const query = `ASK { GRAPH ${iriToNTriples(graph)} { ?s ?p ?o } }`;
    return booleanFromJson(
      engineJson((await this.engineRun(query, SPARQL_RESULTS_JSON, timeoutMs)).body, this.http.urls.queryUrl),
    );
  }

  /**
   * The triples of one engine graph as quads in `target`, a page at a time as they are pulled (pages shrink
   * to the server's row cap when it announces one). Each page has its own time limit.
   */
  async *graphPages(
    graph: string,
    target: GraphTerm,
    timeoutMs: number,
    pageSize = 50_000,
  ): AsyncGenerator<QuadData[]> {
    let page = pageSize;
    for (let offset = 0; ; ) {
      const query = `SELECT ?s ?p ?o WHERE { GRAPH ${iriToNTriples(graph)} { ?s ?p ?o } } LIMIT ${page} OFFSET ${offset}`;
      const answer = await this.engineRun(query, SPARQL_RESULTS_JSON, timeoutMs);
      const rows = rowsAsQuads(engineJson(answer.body, this.http.urls.queryUrl), () => target);
      if (answer.maxRows !== undefined && answer.maxRows < page && rows.length >= answer.maxRows) {
        page = answer.maxRows;
      }
      if (rows.length > 0) yield rows;
      offset += rows.length;
      if (rows.length < page || rows.length === 0) return;
    }
  }

  isUserGraph(graph: string): boolean {
    return (
      graph !== REMOTE_DEFAULT_GRAPH && !this.systemGraphPrefixes.some((prefix) => graph.startsWith(prefix))
    );
  }

  /** A user query, with provml's dataset semantics, answered whole. */
  private async run(
    prepared: PreparedQuery,
    accept: string,
    options: QueryOptions,
    timeoutMs: number,
  ): Promise<EngineResponse> {
    const { text, params } = await this.request(prepared, options, timeoutMs);
    return this.http.query(text, accept, params, timeoutMs);
  }

  /** The text and parameters a user query goes to the engine with. */
  private async request(
    prepared: PreparedQuery,
    options: QueryOptions,
    timeoutMs: number,
  ): Promise<{ text: string; params: Array<[string, string]> }> {
    refuseQuotedTriples(prepared.parsed);
    const engine = toEngineQuery(prepared, options);
    const { params, text, regenerated } = this.plan(prepared, engine, options);
    const system = await this.systemGraphs(timeoutMs);
    const pragmas: string[] = [];
    // Virtuoso's default DESCRIBE finds nothing over an unnamed default graph; its CBD mode does (as Oxigraph).
    if (system.graphs.length > 0 && prepared.form === 'describe')
      pragmas.push('DEFINE sql:describe-mode "CBD"');
    if (engine.unionDefaultGraph && needsSystemGraphExclusion(prepared.parsed, system)) {
      for (const graph of system.graphs)
        pragmas.push(`DEFINE input:default-graph-exclude ${iriToNTriples(graph)}`);
      for (const graph of [...system.graphs, REMOTE_DEFAULT_GRAPH])
        pragmas.push(`DEFINE input:named-graph-exclude ${iriToNTriples(graph)}`);
    }
    const prologue = pragmas.map((line) => `${line}\n`).join('');
    // Virtuoso refuses BASE after DEFINE: a text with a base and pragmas goes regenerated from its parse,
    // whose IRIs are absolute already.
    if (!engine.baseIri || regenerated) return { text: `${prologue}${text}`, params };
    if (pragmas.length > 0) {
      const absolute = new sparqljs.Generator().stringify({ ...prepared.parsed, base: undefined });
      return { text: `${prologue}${absolute}`, params };
    }
    return { text: `BASE ${iriToNTriples(engine.baseIri)}\n${text}`, params };
  }

  /**
   * The dataset: the query's own FROM as written, the protocol's (or the caller's) dataset as parameters,
   * the engine's union, or else provml's default graph (the stand-in).
   */
  private plan(
    prepared: PreparedQuery,
    engine: EngineQuery,
    options: QueryOptions,
  ): { params: Array<[string, string]>; text: string; regenerated?: boolean } {
    const params: Array<[string, string]> = [];
    const dataset = options.dataset ?? (prepared.datasetInText ? undefined : prepared.dataset);
    for (const graph of dataset?.defaultGraphs ?? []) params.push(['default-graph-uri', graph]);
    for (const graph of dataset?.namedGraphs ?? []) params.push(['named-graph-uri', graph]);
    if (engine.dataset || engine.unionDefaultGraph) return { params, text: prepared.text };
    if (!prepared.usesGraph)
      return { params: [['default-graph-uri', REMOTE_DEFAULT_GRAPH]], text: prepared.text };
    return {
      params,
      text: rewriteQueryDefaultGraph(prepared.parsed, REMOTE_DEFAULT_GRAPH),
      regenerated: true,
    };
  }

  /** The engine's own graphs (Virtuoso's schema graphs) and what they use, found once; none on a plain engine. */
  private systemGraphs(timeoutMs: number): Promise<SystemGraphs> {
    this.system ??= this.profileSystemGraphs(timeoutMs).catch((error: unknown) => {
      this.system = undefined;
      throw error;
    });
    return this.system;
  }

  private async profileSystemGraphs(timeoutMs: number): Promise<SystemGraphs> {
    const graphs = (await this.engineSelect(GRAPHS_QUERY, timeoutMs)).rows
      .map((row) => row.g?.value ?? '')
      .filter((graph) => graph !== REMOTE_DEFAULT_GRAPH && graph !== '' && !this.isUserGraph(graph));
    if (graphs.length === 0) return NO_SYSTEM_GRAPHS;
    const predicates = new Set<string>();
    const classes = new Set<string>();
    for (const graph of graphs) {
      const g = iriToNTriples(graph);
      const used = await this.engineSelect(`SELECT DISTINCT ?p WHERE { GRAPH ${g} { ?s ?p ?o } }`, timeoutMs);
      for (const row of used.rows) if (row.p) predicates.add(row.p.value);
      const typed = await this.engineSelect(
        `SELECT DISTINCT ?c WHERE { GRAPH ${g} { ?s ${iriToNTriples(rdf('type'))} ?c } }`,
        timeoutMs,
      );
      for (const row of typed.rows) if (row.c) classes.add(row.c.value);
    }
    return { graphs, predicates, classes };
  }

  /** A query of provml's own (graph listing, counts, dumps), sent to the engine's whole dataset as it is. */
  private engineRun(query: string, accept: string, timeoutMs: number): Promise<EngineResponse> {
    return this.http.query(query, accept, [], timeoutMs);
  }

  private async engineSelect(query: string, timeoutMs: number): Promise<SelectResult> {
    return solutionsFromJson(
      engineJson((await this.engineRun(query, SPARQL_RESULTS_JSON, timeoutMs)).body, this.http.urls.queryUrl),
    );
  }
}
