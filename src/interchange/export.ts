import { BadRequestError, ProvmlError } from '../errors.ts';
import {
  iriToNTriples,
  isQuadMediaType,
  isValidIri,
  loadJsonLdEnvironment,
  nquadsToCompactJsonLd,
  nquadsToSyntax,
  type QuadData,
  quadsToNQuads,
} from '../rdf/index.ts';
import { dumpText, type ProvStore, selectRows } from '../store/index.ts';
import { ONTOLOGY_GRAPH } from '../vocab.ts';
import { lineageClosure } from './closure.ts';
import { type InterchangeFormat, interchangeMediaType } from './formats.ts';

/** What to export: one workflow execution's graph, every graph of an experiment, or a model's lineage. */
export type ExportTarget = { graph: string } | { experiment: string } | { model: string };

export interface ExportOptions {
  format: InterchangeFormat;
  /** Where context.jsonld lives (config.ontologyDir); defaults to the package's ontology/. */
  ontologyDir?: string;
}

export interface ExportResult {
  mediaType: string;
  /**
   * The document in pieces, read from the store graph by graph as they are pulled (JSON-LD excepted: it is
   * compacted whole, so a JSON-LD export holds its data in memory; the other formats hold a few pages).
   */
  chunks: AsyncIterable<string>;
}

/** What an export reads: whole graphs (streamed from the store), or quads already found (a lineage). */
type ExportSource = { graphs: string[] } | { quads: QuadData[] };

/** Resolves the target first, so a missing graph or model is an error before any byte is sent. */
export async function exportRdf(
  store: ProvStore,
  target: ExportTarget,
  options: ExportOptions,
): Promise<ExportResult> {
  const source = await exportSource(store, target);
  return { mediaType: interchangeMediaType(options.format), chunks: serializeSource(store, source, options) };
}

async function exportSource(store: ProvStore, target: ExportTarget): Promise<ExportSource> {
  if ('graph' in target) {
    const graph = checkedIri(target.graph, 'graph');
    if (!(await store.hasGraph({ termType: 'NamedNode', value: graph }))) throw emptyGraph(graph);
    return { graphs: [graph] };
  }
  if ('experiment' in target)
    return { graphs: await experimentGraphs(store, checkedIri(target.experiment, 'experiment')) };
  return { quads: await lineageClosure(store, checkedIri(target.model, 'model')) };
}

export async function collectQuads(store: ProvStore, target: ExportTarget): Promise<QuadData[]> {
  if ('graph' in target) return graphQuads(store, [checkedIri(target.graph, 'graph')]);
  if ('experiment' in target)
    return graphQuads(store, await experimentGraphs(store, checkedIri(target.experiment, 'experiment')));
  return lineageClosure(store, checkedIri(target.model, 'model'));
}

function checkedIri(value: string, what: string): string {
  if (!isValidIri(value))
    throw new BadRequestError(`The ${what} to export must be an absolute IRI, got ${JSON.stringify(value)}.`);
  return value;
}

/** The graphs (workflow executions) that mention the experiment, as subject or object. */
async function experimentGraphs(store: ProvStore, experiment: string): Promise<string[]> {
  const iri = iriToNTriples(experiment);
  const result = await selectRows(
    store,
    `SELECT DISTINCT ?g WHERE { GRAPH ?g { { ${iri} ?p ?o } UNION { ?s ?p ${iri} } } FILTER(?g != ${iriToNTriples(ONTOLOGY_GRAPH)}) } ORDER BY ?g`,
  );
  const graphs = result.rows.map((row) => row.g?.value ?? '');
  if (graphs.length === 0)
    throw new ProvmlError('NotFound', `No graph mentions the experiment ${experiment}: check its IRI.`);
  return graphs;
}

async function graphQuads(store: ProvStore, graphs: string[]): Promise<QuadData[]> {
  const quads: QuadData[] = [];
  for (const graph of graphs) {
    const result = await selectRows(
      store,
      `SELECT ?s ?p ?o WHERE { GRAPH ${iriToNTriples(graph)} { ?s ?p ?o } }`,
    );
    if (result.rows.length === 0) throw emptyGraph(graph);
    for (const row of result.rows) {
      quads.push({
        subject: row.s as QuadData['subject'],
        predicate: row.p as QuadData['predicate'],
        object: row.o as QuadData['object'],
        graph: { termType: 'NamedNode', value: graph },
      });
    }
  }
  return quads;
}

const emptyGraph = (graph: string): ProvmlError =>
  new ProvmlError(
    'NotFound',
    `The graph ${graph} is empty or absent: list graphs with GET /store or SELECT DISTINCT ?g.`,
  );

/**
 * No writer is hand-rolled here: N-Quads and N-Triples come from the store as they are, Turtle and TriG
 * through the streaming serializer, JSON-LD through jsonld. Triple formats merge the graphs; quad formats
 * keep them.
 */
async function* serializeSource(
  store: ProvStore,
  source: ExportSource,
  options: ExportOptions,
): AsyncGenerator<string> {
  const keepGraphs = isQuadMediaType(interchangeMediaType(options.format));
  const lines = sourceLines(store, source, keepGraphs);
  switch (options.format) {
    case 'nquads':
    case 'ntriples':
      yield* lines;
      return;
    case 'trig':
      yield* nquadsToSyntax(lines, 'application/trig');
      return;
    case 'turtle':
      yield* nquadsToSyntax(lines, 'text/turtle');
      return;
    case 'jsonld': {
      const compacted = await nquadsToCompactJsonLd(
        await dumpText(lines),
        await loadJsonLdEnvironment(options.ontologyDir),
      );
      yield `${JSON.stringify(compacted, null, 2)}\n`;
    }
  }
}

/** The source as N-Quads lines, or N-Triples lines when the graphs are merged. */
async function* sourceLines(
  store: ProvStore,
  source: ExportSource,
  keepGraphs: boolean,
): AsyncGenerator<string> {
  if ('quads' in source) {
    yield quadsToNQuads(keepGraphs ? source.quads : source.quads.map(inDefaultGraph));
    return;
  }
  const format = keepGraphs ? 'application/n-quads' : 'application/n-triples';
  for (const graph of source.graphs)
    yield* store.dump({ format, graph: { termType: 'NamedNode', value: graph } });
}

const inDefaultGraph = (quad: QuadData): QuadData => ({
  ...quad,
  graph: { termType: 'DefaultGraph', value: '' },
});
