// The one RDF serializer: N-Triples / N-Quads written here (the audited writer), the other syntaxes by
// Oxigraph, and compacted JSON-LD by jsonld against the shipped context.
import * as ox from 'oxigraph';
import { ProvmlError } from '../errors.ts';
import { syntaxByMediaType } from './formats.ts';
import { type JsonLdEnvironment, nquadsToCompactJsonLd } from './jsonld.ts';
import { JSON_LD, N_QUADS, N_TRIPLES } from './media-types.ts';
import { quadsToNQuads } from './ntriples.ts';
import { inDefaultGraph, type QuadData } from './terms.ts';

export interface SerializeOptions {
  /** JSON-LD compacted against the shipped context (interchange); without it, Oxigraph's expanded JSON-LD. */
  compactJsonLd?: JsonLdEnvironment;
}

/** Serializes quads; triple formats (Turtle, N-Triples, RDF/XML) merge every graph into one. */
export async function serializeRdf(
  quads: readonly QuadData[],
  mediaType: string,
  options: SerializeOptions = {},
): Promise<string> {
  const format = syntaxByMediaType(mediaType);
  if (!format)
    throw new ProvmlError(
      'NotAcceptable',
      `Cannot serialize RDF as ${mediaType}: not an RDF media type provml writes.`,
    );
  const kept = format.quads ? quads : quads.map(inDefaultGraph);
  if (format.mediaType === N_QUADS || format.mediaType === N_TRIPLES) return quadsToNQuads(kept);
  if (format.mediaType === JSON_LD && options.compactJsonLd) {
    const compacted = await nquadsToCompactJsonLd(quadsToNQuads(kept), options.compactJsonLd);
    return `${JSON.stringify(compacted, null, 2)}\n`;
  }
  const store = new ox.Store();
  try {
    store.load(quadsToNQuads(kept), { format: N_QUADS });
    return store.dump(
      format.quads
        ? { format: format.mediaType }
        : { format: format.mediaType, from_graph_name: ox.defaultGraph() },
    );
  } catch (error) {
    throw new ProvmlError(
      'NotAcceptable',
      `Cannot serialize RDF as ${mediaType}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
