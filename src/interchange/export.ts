import { BadRequestError, ProvmlError } from '../errors.ts';
import {
  iriToNTriples,
  isValidIri,
  openMemoryStore,
  type ProvStore,
  type QuadData,
  quadsToNQuads,
} from '../store/index.ts';
import { ONTOLOGY_GRAPH } from '../vocab.ts';
import { lineageClosure } from './closure.ts';
import { type InterchangeFormat, mediaTypeOf, storeFormatOf } from './formats.ts';
import { loadJsonLdEnvironment, nquadsToCompactJsonLd } from './jsonld.ts';

/** What to export: one workflow execution's graph, every graph of an experiment, or a model's lineage. */
export type ExportTarget = { graph: string } | { experiment: string } | { model: string };

export interface ExportOptions {
  format: InterchangeFormat;
  /** Where context.jsonld lives (config.ontologyDir); defaults to the package's ontology/. */
  ontologyDir?: string;
}

export interface ExportResult {
  mediaType: string;
  body: string;
  quadCount: number;
}

export async function exportRdf(
  store: ProvStore,
  target: ExportTarget,
  options: ExportOptions,
): Promise<ExportResult> {
  const quads = await collectQuads(store, target);
  return {
    mediaType: mediaTypeOf(options.format),
    body: await serializeQuads(quads, options),
    quadCount: quads.length,
  };
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
  const result = await store.select(
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
    const result = await store.select(`SELECT ?s ?p ?o WHERE { GRAPH ${iriToNTriples(graph)} { ?s ?p ?o } }`);
    if (result.rows.length === 0)
      throw new ProvmlError(
        'NotFound',
        `The graph ${graph} is empty or absent: list graphs with GET /store or SELECT DISTINCT ?g.`,
      );
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

/**
 * Serialization is delegated to Oxigraph (through a scratch in-memory store) and to jsonld, so no writer
 * is hand-rolled here. Triple formats (Turtle, N-Triples) merge the graphs; quad formats keep them.
 */
export async function serializeQuads(quads: QuadData[], options: ExportOptions): Promise<string> {
  if (options.format === 'nquads') return quadsToNQuads(quads);
  if (options.format === 'jsonld') {
    const compacted = await nquadsToCompactJsonLd(
      quadsToNQuads(quads),
      await loadJsonLdEnvironment(options.ontologyDir),
    );
    return `${JSON.stringify(compacted, null, 2)}\n`;
  }
  const scratch = await openMemoryStore();
  try {
    if (options.format === 'trig') {
      await scratch.insert(quads);
      return await scratch.dump({ format: storeFormatOf('trig') });
    }
    await scratch.insert(quads.map((quad) => ({ ...quad, graph: { termType: 'DefaultGraph', value: '' } })));
    return await scratch.dump({ format: storeFormatOf(options.format) });
  } finally {
    await scratch.close();
  }
}
