import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express, { Router } from 'express';
import { createProvenanceMcpServer, storeBackend } from '../mcp/index.ts';
import { packageCatalog } from '../query/index.ts';
import { packageVersion } from '../version.ts';
import type { AppContext } from './context.ts';
import { closeRoute } from './methods.ts';

/**
 * POST /mcp: the Model Context Protocol over Streamable HTTP, stateless (a server and transport per request,
 * JSON answers), read-only. It passes through the same host and origin rules as every other route.
 */
export function createMcpRouter(ctx: AppContext): Router {
  const router = Router();
  const backend = storeBackend(ctx.store, {
    timeoutMs: ctx.config.queryTimeoutMs,
    unionDefaultGraph: ctx.config.unionDefaultGraph,
  });
  router.post('/mcp', express.json({ limit: ctx.config.maxBodyBytes }), async (req, res, next) => {
    try {
      const server = createProvenanceMcpServer({
        backend,
        catalog: await packageCatalog(),
        ontologyDir: ctx.config.ontologyDir,
        version: packageVersion(),
      });
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.on('close', () => {
        void transport.close();
        void server.close();
      });
      await server.connect(transport);
      await transport.handleRequest(req, res, req.body);
    } catch (error) {
      next(error);
    }
  });
  closeRoute(router, '/mcp', ['POST']);
  return router;
}
