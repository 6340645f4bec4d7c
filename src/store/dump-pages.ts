import { BadRequestError } from '../errors.ts';
import {
  fromJsonTerm,
  type GraphTerm,
  SPARQL_RESULTS_JSON as JSON_RESULTS,
  type JsonTerm,
  type QuadData,
  quadToNQuads,
  TSV,
  termToNTriples,
} from '../rdf/index.ts';
import { xsd } from '../vocab.ts';

// A dump read from the engine page by page (LIMIT/OFFSET per graph, so no page re-reads another graph),
// each page written as N-Quads lines. Pages come from SPARQL TSV results: their terms are already in
// N-Triples syntax (strings escaped, one row per line), except that numbers and booleans may be written
// bare, the Turtle way; those get their datatype back here.

/** Runs a SELECT on the engine and returns its results in the given SPARQL results media type. */
export type RunSelect = (query: string, resultsFormat: string) => string;

const DEFAULT_GRAPH: GraphTerm = { termType: 'DefaultGraph', value: '' };
export const DUMP_PAGE_QUADS = 50_000;

export interface PageOptions {
  /** Only this graph; else every graph (`triples`: the default graph only). */
  graph?: GraphTerm;
  /** N-Triples lines (the graph name left out) instead of N-Quads. */
  triples: boolean;
  pageQuads?: number;
}

export function* dumpPages(run: RunSelect, options: PageOptions): Generator<string> {
  const pageQuads = Math.max(1, Math.floor(options.pageQuads ?? DUMP_PAGE_QUADS));
  const named = (graph: GraphTerm): GraphTerm | undefined => (options.triples ? undefined : graph);
  if (options.graph) {
    // A blank node in a query is a variable: GRAPH _:g would read every graph.
    if (options.graph.termType === 'BlankNode')
      throw new BadRequestError(
        'A graph named by a blank node cannot be dumped on its own; dump every graph.',
      );
    yield* graphPages(run, options.graph, named(options.graph), pageQuads);
    return;
  }
  yield* graphPages(run, DEFAULT_GRAPH, undefined, pageQuads);
  if (options.triples) return;
  let blankGraphs = false;
  for (const graph of namedGraphs(run)) {
    if (graph.termType === 'NamedNode') yield* graphPages(run, graph, graph, pageQuads);
    else blankGraphs = true;
  }
  // A blank node cannot be named in a query: graphs named by one are read together, in one paged pass.
  if (blankGraphs) yield* blankGraphPages(run, pageQuads);
}

function* graphPages(
  run: RunSelect,
  graph: GraphTerm,
  name: GraphTerm | undefined,
  pageQuads: number,
): Generator<string> {
  const pattern =
    graph.termType === 'DefaultGraph' ? '?s ?p ?o' : `GRAPH ${termToNTriples(graph)} { ?s ?p ?o }`;
  const end = name && name.termType !== 'DefaultGraph' ? ` ${termToNTriples(name)} .\n` : ' .\n';
  yield* pages(
    run,
    `SELECT ?s ?p ?o WHERE { ${pattern} }`,
    pageQuads,
    (cells) => `${cells.join(' ')}${end}`,
    name,
  );
}

function* blankGraphPages(run: RunSelect, pageQuads: number): Generator<string> {
  const query = 'SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } FILTER(isBlank(?g)) }';
  yield* pages(run, query, pageQuads, (cells) => `${cells.join(' ')} .\n`);
}

function* pages(
  run: RunSelect,
  select: string,
  pageQuads: number,
  line: (cells: string[]) => string,
  graph?: GraphTerm,
): Generator<string> {
  for (let offset = 0; ; offset += pageQuads) {
    const query = `${select} LIMIT ${pageQuads} OFFSET ${offset}`;
    const tsv = run(query, TSV);
    const rows = tsv.split('\n').slice(1, -1);
    if (rows.length > 0)
      yield hasTripleTerm(tsv) ? jsonPage(run(query, JSON_RESULTS), graph) : tsvPage(rows, line);
    if (rows.length < pageQuads) return;
  }
}

function tsvPage(rows: string[], line: (cells: string[]) => string): string {
  let out = '';
  for (const row of rows) out += line(row.split('\t').map(bareToNTriples));
  return out;
}

/** TSV writes xsd:boolean, integer, decimal and double literals in their Turtle short form. */
function bareToNTriples(cell: string): string {
  const first = cell.charCodeAt(0);
  // <IRI>, "literal", _:blank are N-Triples already.
  if (first === 0x3c || first === 0x22 || first === 0x5f) return cell;
  const type =
    cell === 'true' || cell === 'false'
      ? 'boolean'
      : /[eE]/.test(cell)
        ? 'double'
        : cell.includes('.')
          ? 'decimal'
          : 'integer';
  return `"${cell}"^^<${xsd(type)}>`;
}

/** A triple term may hold short-form literals anywhere inside: such a page is read again as JSON. */
const hasTripleTerm = (tsv: string): boolean => tsv.includes('\t<<') || tsv.includes('\n<<');

function jsonPage(json: string, graph: GraphTerm | undefined): string {
  const results = JSON.parse(json) as { results: { bindings: Array<Record<string, JsonTerm>> } };
  let out = '';
  for (const row of results.results.bindings) {
    const term = (name: string) => fromJsonTerm(row[name] as JsonTerm);
    const quadGraph = graph ?? (row.g ? (term('g') as GraphTerm) : DEFAULT_GRAPH);
    out += quadToNQuads({
      subject: term('s'),
      predicate: term('p'),
      object: term('o'),
      graph: quadGraph,
    } as QuadData);
  }
  return out;
}

function namedGraphs(run: RunSelect): GraphTerm[] {
  const tsv = run('SELECT DISTINCT ?g WHERE { GRAPH ?g { } }', TSV);
  return tsv
    .split('\n')
    .slice(1, -1)
    .map(
      (cell): GraphTerm =>
        cell.startsWith('_:')
          ? { termType: 'BlankNode', value: cell.slice(2) }
          : { termType: 'NamedNode', value: cell.slice(1, -1) },
    );
}
