// The plain terms live in the RDF kernel; this name stays for the store files that still import it here.
export type * from '../rdf/terms.ts';
