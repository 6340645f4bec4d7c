// Reading and writing one graph's content for the Graph Store Protocol.

import {
  type GraphTerm,
  JSON_LD,
  type QuadData,
  SPARQL_RESULTS_JSON,
  termToNTriples,
} from '../../rdf/index.ts';
import {
  constructQuads,
  openMemoryStore,
  type ProvStore,
  querySerialized,
  type RdfFormat,
} from '../../store/index.ts';

/**
 * The graph in `mediaType`, in pieces read from the store as they are sent; quad formats keep the graph
 * name so the result loads back where it came from. JSON-LD is written whole by the engine's serializer.
 */
export async function* serializeGraph(
  store: ProvStore,
  graph: GraphTerm,
  mediaType: string,
  timeoutMs: number,
): AsyncGenerator<string> {
  if (mediaType === JSON_LD) {
    const pattern =
      graph.termType === 'DefaultGraph' ? '?s ?p ?o' : `GRAPH ${termToNTriples(graph)} { ?s ?p ?o }`;
    const construct = `CONSTRUCT { ?s ?p ?o } WHERE { ${pattern} }`;
    const accept = { results: SPARQL_RESULTS_JSON, graph: JSON_LD };
    yield* (await querySerialized(store, construct, accept, { timeoutMs })).body;
    return;
  }
  yield* store.dump({ format: mediaType as RdfFormat, graph });
}

/** Parses quad data and moves every quad into `graph` (Graph Store bodies address one graph). */
export async function quadsInto(
  data: string,
  format: RdfFormat,
  graph: GraphTerm,
  baseIri?: string,
): Promise<QuadData[]> {
  const scratch = await openMemoryStore();
  try {
    await scratch.load(data, baseIri ? { format, baseIri } : { format });
    const quads = await constructQuads(
      scratch,
      'CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }',
    );
    return quads.map((quad) => ({ ...quad, graph }));
  } finally {
    await scratch.close();
  }
}
