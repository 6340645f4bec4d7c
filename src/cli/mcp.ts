import type { Command } from 'commander';
import { DEFAULT_SERVER_URL } from '../client/index.ts';
import { serverUrl } from './query.ts';

interface McpFlags {
  url?: string;
  token?: string;
}

/**
 * `provml mcp`: the read-only MCP server on standard input/output, for AI assistants that start their tools
 * as processes. It reads through a running provml server (the data directory is the server's); the same
 * tools are served over Streamable HTTP at /mcp by the server itself.
 */
export function registerMcp(program: Command): void {
  program
    .command('mcp')
    .description(
      'Serve the read-only MCP tools (catalog, SPARQL, ontology, lineage, runs) on stdio, over a running server.',
    )
    .option('--url <url>', `server base URL (env PROVML_URL, default ${DEFAULT_SERVER_URL})`)
    .option('--token <token>', 'bearer token for servers that require one on reads (env PROVML_TOKEN)')
    .action(async (flags: McpFlags) => {
      // Loaded here, not at start-up: other subcommands do not pay for the MCP SDK.
      const [
        { StdioServerTransport },
        { createProvenanceMcpServer, httpBackend },
        { packageCatalog },
        ontology,
        version,
      ] = await Promise.all([
        import('@modelcontextprotocol/sdk/server/stdio.js'),
        import('../mcp/index.ts'),
        import('../query/index.ts'),
        import('../ontology/index.ts'),
        import('../version.ts'),
      ]);
      const server = createProvenanceMcpServer({
        backend: httpBackend(serverUrl(flags.url), flags.token ?? process.env.PROVML_TOKEN),
        catalog: await packageCatalog(),
        ontologyDir: ontology.DEFAULT_ONTOLOGY_DIR,
        version: version.packageVersion(),
      });
      // The assistant ends the session by closing our stdin. The SDK's transport does not notice, so without
      // this the command would never settle (Node exits with 13 and a warning). Answers still in flight go
      // out: nothing here closes the transport, the process stays up until they are written.
      const closed = new Promise<void>((resolve) => {
        server.server.onclose = resolve;
        process.stdin.once('end', resolve);
      });
      await server.connect(new StdioServerTransport());
      await closed;
    });
}
