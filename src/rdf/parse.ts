// The one RDF parser: Oxigraph for its native syntaxes, jsonld (safe mode, offline) for JSON-LD.
import * as ox from 'oxigraph';
import { BadRequestError } from '../errors.ts';
import { isNativeMediaType, syntaxByMediaType } from './formats.ts';
import { type JsonLdEnvironment, jsonLdToNQuads, loadJsonLdEnvironment } from './jsonld.ts';
import { JSON_LD, N_QUADS } from './media-types.ts';
import { fromOxQuad, toOxGraph } from './oxigraph.ts';
import type { GraphTerm, QuadData } from './terms.ts';

export interface ParseOptions {
  /** Relative IRIs resolve against it. */
  baseIri?: string;
  /** Where the triples of the document's default graph go (default: the default graph). */
  graph?: GraphTerm;
  /** The shipped JSON-LD context; read from `ontologyDir` (default: the package's) when not given. */
  jsonLd?: JsonLdEnvironment;
  ontologyDir?: string;
}

/** Parses RDF text in `mediaType` into plain quads; blank node labels are the document's own. */
export async function parseRdf(
  text: string,
  mediaType: string,
  options: ParseOptions = {},
): Promise<QuadData[]> {
  const format = syntaxByMediaType(mediaType)?.mediaType;
  if (format === JSON_LD) {
    const environment = options.jsonLd ?? (await loadJsonLdEnvironment(options.ontologyDir));
    const nquads = await jsonLdToNQuads(text, environment, options.baseIri);
    return parseNative(nquads, N_QUADS, { ...options, baseIri: undefined });
  }
  if (!format || !isNativeMediaType(format))
    throw new BadRequestError(`Cannot parse RDF given as ${JSON.stringify(mediaType)}.`);
  return parseNative(text, format, options);
}

function parseNative(text: string, format: string, options: ParseOptions): QuadData[] {
  try {
    const parseOptions: Parameters<typeof ox.parse>[1] = { format };
    if (options.baseIri) parseOptions.base_iri = options.baseIri;
    if (options.graph) parseOptions.to_graph_name = toOxGraph(options.graph);
    return (ox.parse(text, parseOptions) as ox.Quad[]).map(fromOxQuad);
  } catch (error) {
    throw new BadRequestError(`Invalid data: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}
