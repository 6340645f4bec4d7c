import { BadRequestError } from '../../errors.ts';
import { ENGINE_SYSTEM_GRAPH_PREFIXES, REMOTE_DEFAULT_GRAPH } from '../../vocab.ts';
import type { QueryOptions, SelectResult } from '../api.ts';
import { parseJson, toBoolean, toQuads, toSelectResult } from '../json-results.ts';
import { iriToNTriples } from '../ntriples.ts';
import type { GraphTerm, QuadData } from '../terms.ts';
import type { EngineResponse, SparqlHttp } from './http.ts';
import { parseRdf } from './rdf-codec.ts';
import { RESULTS_JSON } from './results-format.ts';

// Reads against the engine. provml's default graph lives in REMOTE_DEFAULT_GRAPH there, so queries
// without a dataset of their own get it as default-graph-uri. Virtuoso then also hides every named
// graph from GRAPH <iri> patterns (the protocol's empty named-graph set), so a query that uses GRAPH
// keeps the engine's own dataset instead; so does unionDefaultGraph (on Virtuoso the default graph is
// then the union of every graph, the engine's system graphs included).

const DEFAULT_GRAPH: GraphTerm = { termType: 'DefaultGraph', value: '' };
const DATASET_IN_QUERY = /\bFROM\s+(NAMED\s+)?</i;
const GRAPH_IN_QUERY = /\bGRAPH\b/i;

export class RemoteReader {
  constructor(
    private readonly http: SparqlHttp,
    private readonly systemGraphPrefixes: readonly string[] = ENGINE_SYSTEM_GRAPH_PREFIXES,
  ) {}

  async select(query: string, options: QueryOptions, timeoutMs: number): Promise<SelectResult> {
    const json = parseJson(
      (await this.run(query, RESULTS_JSON, options, timeoutMs)).body,
      this.http.urls.queryUrl,
    );
    if (typeof json.boolean === 'boolean' || !json.results)
      throw new BadRequestError('Expected a SELECT query.');
    return toSelectResult(json);
  }

  async ask(query: string, options: QueryOptions, timeoutMs: number): Promise<boolean> {
    return toBoolean(
      parseJson((await this.run(query, RESULTS_JSON, options, timeoutMs)).body, this.http.urls.queryUrl),
    );
  }

  async construct(query: string, options: QueryOptions, timeoutMs: number): Promise<QuadData[]> {
    const answer = await this.run(query, 'application/n-triples', options, timeoutMs);
    if (answer.contentType.includes('json')) {
      return toQuads(parseJson(answer.body, this.http.urls.queryUrl), () => DEFAULT_GRAPH);
    }
    return parseRdf(answer.body, 'application/n-triples');
  }

  /** Named graphs holding provml data: the engine's own graphs and the stand-in default graph left out. */
  async listGraphs(timeoutMs: number): Promise<string[]> {
    const result = await this.select(
      'SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }',
      { unionDefaultGraph: true },
      timeoutMs,
    );
    return result.rows.map((row) => row.g?.value ?? '').filter((g) => g !== '' && this.isUserGraph(g));
  }

  async countQuads(timeoutMs: number): Promise<{ quads: number; graphs: number }> {
    const result = await this.select(
      'SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g',
      { unionDefaultGraph: true },
      timeoutMs,
    );
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
    return this.ask(
      `ASK { GRAPH ${iriToNTriples(graph)} { ?s ?p ?o } }`,
      { unionDefaultGraph: true },
      timeoutMs,
    );
  }

  /** All triples of one engine graph, page by page (pages shrink to the server's row cap when it announces one). */
  async graphQuads(
    graph: string,
    target: GraphTerm,
    timeoutMs: number,
    pageSize = 100_000,
  ): Promise<QuadData[]> {
    const quads: QuadData[] = [];
    let page = pageSize;
    for (let offset = 0; ; ) {
      const query = `SELECT ?s ?p ?o WHERE { GRAPH ${iriToNTriples(graph)} { ?s ?p ?o } } LIMIT ${page} OFFSET ${offset}`;
      const answer = await this.run(query, RESULTS_JSON, { unionDefaultGraph: true }, timeoutMs);
      const rows = toQuads(parseJson(answer.body, this.http.urls.queryUrl), () => target);
      if (answer.maxRows !== undefined && answer.maxRows < page && rows.length >= answer.maxRows) {
        page = answer.maxRows;
      }
      for (const quad of rows) quads.push(quad);
      offset += rows.length;
      if (rows.length < page || rows.length === 0) return quads;
    }
  }

  isUserGraph(graph: string): boolean {
    return (
      graph !== REMOTE_DEFAULT_GRAPH && !this.systemGraphPrefixes.some((prefix) => graph.startsWith(prefix))
    );
  }

  private run(
    query: string,
    accept: string,
    options: QueryOptions,
    timeoutMs: number,
  ): Promise<EngineResponse> {
    const text = options.baseIri ? `BASE ${iriToNTriples(options.baseIri)}\n${query}` : query;
    return this.http.query(text, accept, datasetParams(query, options), timeoutMs);
  }
}

function datasetParams(query: string, options: QueryOptions): Array<[string, string]> {
  const params: Array<[string, string]> = [];
  const { dataset } = options;
  for (const graph of dataset?.defaultGraphs ?? []) params.push(['default-graph-uri', graph]);
  for (const graph of dataset?.namedGraphs ?? []) params.push(['named-graph-uri', graph]);
  if (
    params.length === 0 &&
    !options.unionDefaultGraph &&
    !DATASET_IN_QUERY.test(query) &&
    !GRAPH_IN_QUERY.test(query)
  ) {
    params.push(['default-graph-uri', REMOTE_DEFAULT_GRAPH]);
  }
  return params;
}
