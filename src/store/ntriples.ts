// The audited N-Triples writer lives in the RDF kernel; this name stays for the store files that still import it here.
export { iriToNTriples, quadsToNQuads, termToNTriples } from '../rdf/index.ts';
