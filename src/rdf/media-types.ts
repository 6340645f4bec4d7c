// Every media type provml reads or writes, written once.

export const TURTLE = 'text/turtle';
export const N_TRIPLES = 'application/n-triples';
export const N_QUADS = 'application/n-quads';
export const TRIG = 'application/trig';
export const JSON_LD = 'application/ld+json';
export const RDF_XML = 'application/rdf+xml';

export const SPARQL_RESULTS_JSON = 'application/sparql-results+json';
export const SPARQL_RESULTS_XML = 'application/sparql-results+xml';
export const CSV = 'text/csv';
export const TSV = 'text/tab-separated-values';

export const SPARQL_QUERY = 'application/sparql-query';
export const SPARQL_UPDATE = 'application/sparql-update';
export const JSON_MEDIA_TYPE = 'application/json';

/** A Content-Type (or Accept item) without its parameters, lower-cased: `text/turtle; charset=utf-8` → `text/turtle`. */
export function bareMediaType(value: string): string {
  return value.split(';')[0]?.trim().toLowerCase() ?? '';
}
