// The RDF documents of a Graph Store PUT/POST, made into content for the one graph the request addresses.
import { BadRequestError } from '../../errors.ts';
import { checkXmlEntityExpansion } from '../../interchange/index.ts';
import {
  DEFAULT_GRAPH,
  isNativeMediaType,
  isQuadMediaType,
  JSON_LD,
  jsonLdToNQuads,
  loadJsonLdEnvironment,
  N_QUADS,
  N_TRIPLES,
  NATIVE_MEDIA_TYPES,
  RDF_XML,
  syntaxOfFile,
} from '../../rdf/index.ts';
import { dumpText, openMemoryStore, type RdfFormat } from '../../store/index.ts';
import { UnsupportedMediaTypeError } from '../errors.ts';

/** Media types a Graph Store body may have: the store's RDF formats and JSON-LD. */
export const GRAPH_BODY_TYPES: readonly string[] = [...NATIVE_MEDIA_TYPES, JSON_LD];

/** Data ready for `store.load` / `store.replaceGraph` with the target graph as the graph option. */
export interface GraphContent {
  data: string;
  format: RdfFormat;
}

export interface ContentOptions {
  /** Relative IRIs resolve against it: the graph's IRI, or the request URL for the default graph. */
  baseIri: string;
  /** The body limit; RDF/XML entities may not expand a document beyond it. */
  maxChars: number;
  ontologyDir: string;
}

/**
 * One document as content for a single graph. Triple formats go to the store as they are; a quad format
 * (TriG, N-Quads, JSON-LD) is accepted only when it has no named graphs, since moving another graph's quads
 * into the target would silently change what they mean (400 otherwise).
 */
export function graphContent(
  text: string,
  mediaType: string,
  options: ContentOptions,
): Promise<GraphContent> {
  return contentOf(text, mediaType, options, false);
}

/**
 * Several documents (the parts of a multipart POST) as one content. Each is parsed on its own, once, so a blank
 * node label used in two parts names two different nodes, as in two separate POSTs.
 */
export async function partsContent(
  parts: ReadonlyArray<{ text: string; mediaType: string }>,
  options: ContentOptions,
): Promise<GraphContent> {
  const pieces: string[] = [];
  for (const part of parts) pieces.push((await contentOf(part.text, part.mediaType, options, true)).data);
  return { data: pieces.join(''), format: N_TRIPLES };
}

/** `asTriples`: always parsed, into N-Triples (a part must be, to keep its blank nodes its own). */
async function contentOf(
  text: string,
  mediaType: string,
  options: ContentOptions,
  asTriples: boolean,
): Promise<GraphContent> {
  if (mediaType === JSON_LD) {
    const environment = await loadJsonLdEnvironment(options.ontologyDir);
    return triplesOnly(await jsonLdToNQuads(text, environment, options.baseIri), N_QUADS);
  }
  if (!isNativeMediaType(mediaType)) throw new UnsupportedMediaTypeError(mediaType, GRAPH_BODY_TYPES);
  if (mediaType === RDF_XML) checkXmlEntityExpansion(text, options.maxChars);
  if (asTriples || isQuadMediaType(mediaType)) return triplesOnly(text, mediaType, options.baseIri);
  return { data: text, format: mediaType };
}

/** A part's media type: its own Content-Type, or its file name's extension when that type says nothing. */
export function partMediaType(part: { mediaType: string; fileName?: string | undefined }): string {
  const generic = part.mediaType === 'application/octet-stream' || part.mediaType === 'text/plain';
  if (!generic) return part.mediaType;
  const byName = syntaxOfFile(part.fileName ?? '');
  if (byName) return byName.mediaType;
  throw new BadRequestError(
    `Cannot tell the RDF format of the part ${JSON.stringify(part.fileName ?? '')} (${part.mediaType}): give it a Content-Type such as text/turtle, or a file name ending in .ttl, .nt, .nq, .trig, .rdf or .jsonld.`,
  );
}

/** Parses into a scratch store; refuses named graphs; returns the default graph's triples as N-Triples. */
async function triplesOnly(data: string, format: RdfFormat, baseIri?: string): Promise<GraphContent> {
  const scratch = await openMemoryStore();
  try {
    await scratch.load(data, baseIri ? { format, baseIri } : { format });
    const graphs = await scratch.listGraphs();
    if (graphs.length > 0) {
      const named = graphs
        .slice(0, 3)
        .map((graph) => `<${graph}>`)
        .join(', ');
      throw new BadRequestError(
        `The body has triples in named graph${graphs.length > 1 ? 's' : ''} ${named}${graphs.length > 3 ? ', …' : ''}; a Graph Store request addresses one graph, and provml will not move other graphs' triples into it. Send only default-graph triples (or Turtle / N-Triples), or use POST /api/v1/import, which keeps each graph.`,
      );
    }
    const triples = await dumpText(scratch.dump({ format: N_TRIPLES, graph: DEFAULT_GRAPH }));
    return { data: triples, format: N_TRIPLES };
  } finally {
    await scratch.close();
  }
}
