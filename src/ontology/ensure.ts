import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { iriToNTriples, type ProvStore, type QuadData, quadsToNQuads } from '../store/index.ts';
import { ONTOLOGY_GRAPH } from '../vocab.ts';
import { importPaths, ONTOLOGY_FILE } from './files.ts';
import { parseRdfFiles } from './parse.ts';

/** prov-ml.ttl followed by the imports, as one list of triples (the ontology graph's content). */
export async function readShippedOntology(ontologyDir: string): Promise<QuadData[]> {
  return parseRdfFiles([join(ontologyDir, ONTOLOGY_FILE), ...importPaths(ontologyDir)]);
}

/**
 * (Re)loads PROV-ML and its imports into the named graph ONTOLOGY_GRAPH, replacing what was there, so
 * running it at every start-up leaves exactly one copy. A missing directory is not an error: the
 * server still starts, without the ontology graph.
 */
export async function ensureOntologyGraph(
  store: ProvStore,
  ontologyDir: string,
): Promise<{ loaded: boolean; quads: number }> {
  if (!existsSync(join(ontologyDir, ONTOLOGY_FILE))) return { loaded: false, quads: 0 };
  const triples = await readShippedOntology(ontologyDir);
  await store.replaceGraph({ termType: 'NamedNode', value: ONTOLOGY_GRAPH }, quadsToNQuads(triples), {
    format: 'application/n-quads',
  });
  const counted = await store.select(
    `SELECT (COUNT(*) AS ?n) WHERE { GRAPH ${iriToNTriples(ONTOLOGY_GRAPH)} { ?s ?p ?o } }`,
  );
  return { loaded: true, quads: Number(counted.rows[0]?.n?.value ?? 0) };
}
