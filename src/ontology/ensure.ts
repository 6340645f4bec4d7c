import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreReadOnlyError } from '../errors.ts';
import { iriToNTriples, type QuadData, quadsToNQuads, termToNTriples } from '../rdf/index.ts';
import type { ProvStore } from '../store/index.ts';
import { askBoolean, selectRows } from '../store/index.ts';
import { ONTOLOGY_GRAPH, SHIPPED_DIGEST } from '../vocab.ts';
import { IMPORT_FILES, importPaths, ONTOLOGY_FILE } from './files.ts';
import { readTriplesFiles } from './parse.ts';

/** prov-ml.ttl followed by the imports, as one list of triples (the ontology graph's content). */
export async function readShippedOntology(ontologyDir: string): Promise<QuadData[]> {
  return readTriplesFiles([join(ontologyDir, ONTOLOGY_FILE), ...importPaths(ontologyDir)]);
}

/** The shipped ontology as start-up loads it: its triples plus the digest marker. */
export interface ShippedOntology {
  quads: QuadData[];
  digest: string;
}

/** Bump when the way the files become the graph changes, so existing graphs are reloaded once. */
const GRAPH_LAYOUT = 'provml-ontology-graph 1';

/** The ontology graph's content to be, or undefined when the directory has no ontology. */
export async function readShippedOntologyGraph(ontologyDir: string): Promise<ShippedOntology | undefined> {
  if (!existsSync(join(ontologyDir, ONTOLOGY_FILE))) return undefined;
  const hash = createHash('sha256').update(GRAPH_LAYOUT);
  for (const file of [ONTOLOGY_FILE, ...IMPORT_FILES])
    hash.update(`\0${file}\0`).update(await readFile(join(ontologyDir, file)));
  const digest = hash.digest('hex');
  const triples = await readShippedOntology(ontologyDir);
  return { quads: [...triples, digestMarker(digest)], digest };
}

function digestMarker(digest: string): QuadData {
  const graph = { termType: 'NamedNode' as const, value: ONTOLOGY_GRAPH };
  return {
    subject: graph,
    predicate: { termType: 'NamedNode', value: SHIPPED_DIGEST },
    object: {
      termType: 'Literal',
      value: digest,
      language: '',
      datatype: { termType: 'NamedNode', value: 'http://www.w3.org/2001/XMLSchema#string' },
    },
    graph,
  };
}

export interface OntologyGraphOutcome {
  loaded: boolean;
  /** Quads in the ontology graph (the digest marker included). */
  quads: number;
  /** The graph was (re)written; false when it already held these files. */
  written: boolean;
  /** Why an out-of-date graph was left as it is (the store refuses writes). */
  notWritten?: string;
}

/**
 * Makes the named graph ONTOLOGY_GRAPH hold the shipped PROV-ML and its imports. A graph whose digest
 * marker matches the shipped files is left alone, so a restart writes nothing (and a store over its
 * size limit, which refuses writes, still starts); otherwise it is replaced, leaving exactly one copy.
 * A missing directory is not an error: the server still starts, without the ontology graph.
 */
export async function ensureOntologyGraph(
  store: ProvStore,
  ontologyDir: string,
  shipped?: ShippedOntology,
): Promise<OntologyGraphOutcome> {
  const ontology = shipped ?? (await readShippedOntologyGraph(ontologyDir));
  if (!ontology) return { loaded: false, quads: 0, written: false };
  const graph = iriToNTriples(ONTOLOGY_GRAPH);
  const marker = termToNTriples(digestMarker(ontology.digest).object);
  const current = await askBoolean(
    store,
    `ASK { GRAPH ${graph} { ${graph} ${iriToNTriples(SHIPPED_DIGEST)} ${marker} } }`,
  );
  let written = false;
  let notWritten: string | undefined;
  if (!current) {
    try {
      await store.replaceGraph(
        { termType: 'NamedNode', value: ONTOLOGY_GRAPH },
        quadsToNQuads(ontology.quads),
        {
          format: 'application/n-quads',
        },
      );
      written = true;
    } catch (error) {
      if (!(error instanceof StoreReadOnlyError)) throw error;
      notWritten = error.message;
    }
  }
  const counted = await selectRows(store, `SELECT (COUNT(*) AS ?n) WHERE { GRAPH ${graph} { ?s ?p ?o } }`);
  const quads = Number(counted.rows[0]?.n?.value ?? 0);
  return { loaded: quads > 0, quads, written, ...(notWritten ? { notWritten } : {}) };
}
