import type { RdfFormat } from '../store/index.ts';

export const SPARQL_JSON = 'application/sparql-results+json';
export const TURTLE = 'text/turtle';
export const JSON_LD = 'application/ld+json';

/** Media types for SELECT/ASK results, default first, each with the serializer the store uses. */
export const RESULT_MEDIA_TYPES: ReadonlyMap<string, string> = new Map([
  [SPARQL_JSON, SPARQL_JSON],
  ['application/sparql-results+xml', 'application/sparql-results+xml'],
  ['text/csv', 'text/csv'],
  ['text/tab-separated-values', 'text/tab-separated-values'],
  ['application/json', SPARQL_JSON],
]);

/** Media types for RDF graphs (CONSTRUCT, DESCRIBE, Graph Store GET, service description), default first. */
export const GRAPH_MEDIA_TYPES: readonly string[] = [
  TURTLE,
  'application/n-triples',
  'application/n-quads',
  'application/trig',
  JSON_LD,
  'application/rdf+xml',
];

/** RDF request bodies the store can parse (Graph Store PUT/POST). */
export const RDF_BODY_FORMATS: readonly RdfFormat[] = [
  'text/turtle',
  'application/n-triples',
  'application/n-quads',
  'application/trig',
  'application/rdf+xml',
];

export const QUAD_FORMATS: readonly string[] = ['application/n-quads', 'application/trig'];

/** The store's name for a request body's media type. */
export function rdfBodyFormat(mediaType: string | undefined): RdfFormat | undefined {
  return RDF_BODY_FORMATS.find((format) => format === mediaType);
}

/** Content-Type header value for a textual media type. */
export const withCharset = (mediaType: string): string =>
  mediaType === JSON_LD || mediaType.endsWith('+json') || mediaType === 'application/json'
    ? mediaType
    : `${mediaType}; charset=utf-8`;
