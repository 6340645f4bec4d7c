import express from 'express';
import type { Config } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import type { ProvStore } from '../store/index.ts';
import { createEventLedger } from '../translate/index.ts';
import { createApiRouter } from './api/index.ts';
import { exposureWarning } from './auth.ts';
import type { AppContext } from './context.ts';
import { cors } from './cors.ts';
import { errorHandler, notFound } from './errors.ts';
import { createGraphStoreRouter } from './graph-store/handler.ts';
import { createHealthRouter } from './health.ts';
import { hostGuard } from './host-guard.ts';
import { createMcpRouter } from './mcp.ts';
import { requestLog } from './request-log.ts';
import { createSparqlRouter } from './sparql/handler.ts';
import { createWebRouter, createWriteSignals } from './web/index.ts';

export interface CreateAppOptions {
  store: ProvStore;
  config: Config;
  logger?: Logger;
}

const SETTLED = new WeakMap<express.Express, () => Promise<void>>();

/**
 * Resolves once the derived state (what is running, the latest values) of every write the application
 * acknowledged so far is in the store: a caller reading the store it gave `createApp` directly, rather than
 * through the application, waits for this first (the application's own reads do).
 */
export function settledWrites(app: express.Express): Promise<void> {
  return SETTLED.get(app)?.() ?? Promise.resolve();
}

/** The HTTP application over an open store: /sparql, /store, /health and /api/v1. It does not listen. */
export function createApp(options: CreateAppOptions): express.Express {
  const live = createWriteSignals();
  const events = createEventLedger(live.watch(options.store));
  const ctx: AppContext = {
    store: events.reportingStore(),
    events,
    config: options.config,
    logger: options.logger ?? createLogger(options.config.logLevel),
  };
  const warning = exposureWarning(ctx.config);
  if (warning) ctx.logger.warn({ host: ctx.config.host }, warning);
  const app = express();
  app.disable('x-powered-by');
  // Write access depends on the real peer address, so proxy headers are never trusted.
  app.set('trust proxy', false);
  app.use(requestLog(ctx.logger));
  // Before anything else reads the request: a Host that is not ours is DNS rebinding or a misdirected client.
  app.use(hostGuard(ctx.config));
  app.use(cors(ctx.config));
  app.use(createHealthRouter(ctx));
  // Before /sparql: a browser's plain GET /sparql gets the editor page; every other request goes on to the protocol.
  app.use(createWebRouter(ctx, live));
  app.use(createSparqlRouter(ctx));
  app.use(createGraphStoreRouter(ctx));
  app.use('/api/v1', createApiRouter(ctx));
  app.use(createMcpRouter(ctx));
  app.use(notFound());
  app.use(errorHandler(ctx.logger));
  SETTLED.set(app, () => events.settled());
  return app;
}
