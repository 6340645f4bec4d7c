import { type GraphTerm, jsonLdToNQuads, loadJsonLdEnvironment, N_QUADS } from '../rdf/index.ts';
import type { ProvStore, WriteReceipt } from '../store/index.ts';
import { type InterchangeFormat, storeFormatOf } from './formats.ts';

export interface ImportOptions {
  format: InterchangeFormat;
  /**
   * Graph for the triples of the data's default graph (all of Turtle / N-Triples; the top-level nodes of
   * JSON-LD; unnamed triples of TriG / N-Quads). Triples already in a named graph keep their graph.
   */
  graph?: GraphTerm;
  baseIri?: string;
  /** Where context.jsonld lives (config.ontologyDir); defaults to the package's ontology/. */
  ontologyDir?: string;
}

/** Parses RDF in any interchange format and adds it to the store in one write (all or nothing). */
export async function importRdf(
  store: ProvStore,
  data: string,
  options: ImportOptions,
): Promise<WriteReceipt> {
  const target = options.graph ? { graph: options.graph } : {};
  if (options.format === 'jsonld') {
    const nquads = await jsonLdToNQuads(
      data,
      await loadJsonLdEnvironment(options.ontologyDir),
      options.baseIri,
    );
    return store.load(nquads, { format: N_QUADS, ...target });
  }
  return store.load(data, {
    format: storeFormatOf(options.format),
    ...target,
    ...(options.baseIri ? { baseIri: options.baseIri } : {}),
  });
}
