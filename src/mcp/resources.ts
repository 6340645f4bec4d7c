import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { IMPORT_FILES, ONTOLOGY_FILE, SHAPES_FILE } from '../ontology/index.ts';
import type { Catalog } from '../query/index.ts';
import { CONTEXT_FILE } from '../rdf/index.ts';

const ONTOLOGY_FILES: Array<{ file: string; mimeType: string; description: string }> = [
  { file: ONTOLOGY_FILE, mimeType: 'text/turtle', description: 'The PROV-ML ontology (OWL 2, Turtle).' },
  {
    file: SHAPES_FILE,
    mimeType: 'text/turtle',
    description: 'SHACL shapes captured provenance is validated against.',
  },
  { file: CONTEXT_FILE, mimeType: 'application/ld+json', description: 'The JSON-LD context of exports.' },
  ...IMPORT_FILES.map((file) => ({
    file,
    mimeType: file.endsWith('.nq') ? 'application/n-quads' : 'text/turtle',
    description: `An ontology PROV-ML extends (${file}).`,
  })),
];

/** The shipped ontology files and the catalog's .rq files, each a resource an agent can read. */
export function registerResources(server: McpServer, catalog: Catalog, ontologyDir: string): void {
  for (const { file, mimeType, description } of ONTOLOGY_FILES) {
    const uri = `provml://ontology/${file}`;
    server.registerResource(file, uri, { mimeType, description }, async () => ({
      contents: [{ uri, mimeType, text: await readFile(join(ontologyDir, file), 'utf8') }],
    }));
  }
  for (const entry of catalog.list()) {
    const uri = `provml://queries/${entry.name}.rq`;
    server.registerResource(
      `${entry.name}.rq`,
      uri,
      { mimeType: 'application/sparql-query', description: entry.description },
      async () => ({
        contents: [{ uri, mimeType: 'application/sparql-query', text: entry.query }],
      }),
    );
  }
}
