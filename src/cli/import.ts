import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_SERVER_URL } from '../client/index.ts';
import { formatOfFileName, interchangeMediaType, parseFormatName } from '../interchange/index.ts';
import { serverRequest, serverUrl } from './query.ts';

interface ImportFlags {
  graph?: string;
  format?: string;
  url?: string;
  token?: string;
}

/** `provml import FILE [--graph IRI] [--format F]`: sends RDF to a running server's /api/v1/import. */
export function registerImport(program: Command): void {
  program
    .command('import')
    .description(
      'Import JSON-LD, Turtle, TriG, N-Quads or N-Triples into the store of a running provml server.',
    )
    .argument('<file>', 'the RDF file (format from its extension unless --format)')
    .option('--graph <iri>', 'named graph for triples without a graph (all of Turtle / N-Triples)')
    .option('-f, --format <format>', 'jsonld, turtle, trig, nquads or ntriples')
    .option('--url <url>', `server base URL (env PROVML_URL, default ${DEFAULT_SERVER_URL})`)
    .option('--token <token>', 'bearer token of the server (env PROVML_TOKEN)')
    .action(async (file: string, flags: ImportFlags) => {
      const format = flags.format ? parseFormatName(flags.format) : formatOfFileName(file);
      const params = new URLSearchParams({ format });
      if (flags.graph) params.set('graph', flags.graph);
      const token = flags.token ?? (process.env.PROVML_TOKEN || undefined);
      const headers: Record<string, string> = { 'content-type': interchangeMediaType(format) };
      if (token) headers.authorization = `Bearer ${token}`;
      const response = await serverRequest(`${serverUrl(flags.url)}/api/v1/import?${params}`, {
        method: 'POST',
        headers,
        body: await readFile(file, 'utf8'),
      });
      const receipt = (await response.json()) as { quadsAdded: number };
      process.stdout.write(
        `${file}: ${receipt.quadsAdded} quads added${flags.graph ? ` to ${flags.graph}` : ''}\n`,
      );
    });
}
