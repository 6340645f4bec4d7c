// What the HTTP endpoints offer, from the RDF kernel's registry (the media types are written there).
import {
  JSON_LD,
  JSON_MEDIA_TYPE,
  RDF_MEDIA_TYPES,
  RESULTS_MEDIA_TYPES,
  SPARQL_RESULTS_JSON,
} from '../rdf/index.ts';

export { JSON_LD } from '../rdf/index.ts';

/** Media types for SELECT/ASK results, default first, each with the serializer the store uses. */
export const RESULT_MEDIA_TYPES: ReadonlyMap<string, string> = new Map([
  ...RESULTS_MEDIA_TYPES.map((type): [string, string] => [type, type]),
  [JSON_MEDIA_TYPE, SPARQL_RESULTS_JSON],
]);

/** Media types for RDF graphs (CONSTRUCT, DESCRIBE, Graph Store GET, service description), default first. */
export const GRAPH_MEDIA_TYPES: readonly string[] = RDF_MEDIA_TYPES;

/** Content-Type header value for a textual media type. */
export const withCharset = (mediaType: string): string =>
  mediaType === JSON_LD || mediaType.endsWith('+json') || mediaType === JSON_MEDIA_TYPE
    ? mediaType
    : `${mediaType}; charset=utf-8`;
