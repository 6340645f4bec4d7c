// Transitional for interchange/export.ts (rewritten in this same step): JSON-LD is the RDF kernel's.
export { loadJsonLdEnvironment, nquadsToCompactJsonLd } from '../rdf/index.ts';
