import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Catalog } from '../query/index.ts';
import type { ProvenanceBackend } from './backend.ts';
import { registerResources } from './resources.ts';
import { registerTools } from './tools.ts';

export interface ProvenanceMcpOptions {
  backend: ProvenanceBackend;
  catalog: Catalog;
  ontologyDir: string;
  version: string;
  /** Rows a tool returns at most. */
  maxRows?: number;
}

const INSTRUCTIONS =
  'provml holds workflow provenance of machine-learning lifecycles in PROV-ML (W3C PROV-O + ML Schema). ' +
  'Start with list_analyses and the named analyses; call describe_ontology before writing SPARQL. Every ' +
  'answer carries the SPARQL that produced it, so it can be checked on the /sparql endpoint.';

/** A read-only MCP server over the provenance: tools and resources, no writes. */
export function createProvenanceMcpServer(options: ProvenanceMcpOptions): McpServer {
  const server = new McpServer({ name: 'provml', version: options.version }, { instructions: INSTRUCTIONS });
  registerTools(server, options.backend, options.catalog, { maxRows: options.maxRows ?? 10_000 });
  registerResources(server, options.catalog, options.ontologyDir);
  return server;
}
