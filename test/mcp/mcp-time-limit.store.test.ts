import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { openDurableStore } from '../../src/store/index.ts';

// The server's query time limit (PROVML_QUERY_TIMEOUT_MS) holds for the MCP SPARQL tool as for /sparql: a
// query over it ends in an MCP error saying so, and the server answers the next call.
const dir = mkdtempSync(join(tmpdir(), 'provml-mcp-limit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Four-way cross product of 2,000 triples: far more work than the limit allows.
const ENDLESS = 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }';

describe('sparql_query under the query time limit', () => {
  it('a query over the limit is an MCP error naming the limit; the next call is answered', async () => {
    const store = await openDurableStore({ dir, queryTimeoutMs: 1500, logger: silentLogger() });
    let server: Server | undefined;
    const client = new Client({ name: 'provml-test', version: '1.0.0' });
    try {
      const triples = Array.from({ length: 2000 }, (_, i) => `<http://e/s${i}> <http://e/p> "${i}" .`).join(
        '\n',
      );
      await store.load(triples, { format: 'application/n-triples' });
      const app = createApp({
        store,
        config: { ...defaultConfig(), queryTimeoutMs: 1500 },
        logger: silentLogger(),
      });
      server = await new Promise<Server>((resolve) => {
        const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
      });
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`;
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const timedOut = await client.callTool({ name: 'sparql_query', arguments: { query: ENDLESS } }).then(
        (result) => (result.isError ? JSON.stringify(result.content) : 'answered'),
        (error: Error) => error.message,
      );
      expect(timedOut).toMatch(/time limit of 1500 ms/);
      const next = await client.callTool({
        name: 'sparql_query',
        arguments: { query: 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' },
      });
      expect((next.structuredContent as { rows: Array<{ n: number }> }).rows[0]?.n).toBe(2000);
    } finally {
      await client.close();
      server?.closeAllConnections();
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      await store.close();
    }
  });
});
