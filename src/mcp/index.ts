// Public entry of the MCP layer: a read-only Model Context Protocol server over the provenance (tools over
// the catalog, SPARQL and the ontology; resources for the ontology and .rq files).
export { type ProvenanceBackend, storeBackend } from './backend.ts';
export { httpBackend } from './http-backend.ts';
export { createProvenanceMcpServer, type ProvenanceMcpOptions } from './server.ts';
