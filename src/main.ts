// Composition root: configuration + HTTP listener + durable store + ontology graph + HTTP app.
import { once } from 'node:events';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { type Config, ConfigError } from './config.ts';
import { ProvmlError } from './errors.ts';
import type { Logger } from './logger.ts';
import { unsupportedNode } from './node-support.ts';
import { ensureOntologyGraph, readShippedOntologyGraph, type ShippedOntology } from './ontology/index.ts';
import { createApp } from './server/app.ts';
import { answerStarting } from './server/health.ts';
import { openDurableStore, openSparqlStore, type ProvStore } from './store/index.ts';

/** How long an idle kept-alive connection stays open (announced in each answer's Keep-Alive header). */
export const KEEP_ALIVE_MS = 65_000;

export interface RunningServer {
  /** Base URL, e.g. http://127.0.0.1:7070 (with the real port when config.port is 0). */
  url: string;
  /** Stops accepting connections, lets running requests finish (bounded), then closes the store. */
  close(): Promise<void>;
}

export interface StartOptions {
  /** Close gracefully on SIGINT / SIGTERM and exit (default true; off for in-process use). */
  handleSignals?: boolean;
  /** Told the URL once the server listens, before the store has loaded (/health then answers "starting"). */
  onListening?: (url: string) => void;
  /** Opens the store (default: openConfiguredStore). */
  openStore?: (config: Config, logger: Logger) => Promise<ProvStore>;
  /** The Node.js version checked against the server's floor (default: this process's). */
  nodeVersion?: string;
}

/** How long close() lets in-flight requests finish before cutting their connections. */
const DRAIN_MS = 5_000;

export async function startServer(
  config: Config,
  logger: Logger,
  options: StartOptions = {},
): Promise<RunningServer> {
  const started = Date.now();
  const nodeVersion = options.nodeVersion ?? process.versions.node;
  const oldNode = unsupportedNode(nodeVersion);
  if (oldNode !== undefined) logger.warn({ node: nodeVersion }, oldNode);
  const shipped = await readShippedOntologyGraph(config.ontologyDir);
  checkLimitHoldsOntology(config, shipped);
  // Listening comes first, so /health answers ("starting") while a big store loads.
  let app: RequestListener | undefined;
  const server = createServer((req, res) => (app ? app(req, res) : answerStarting(req, res)));
  // Node closes a kept-alive connection after 5 s idle, the period of many capture loops: a client sending then
  // races the close and gets ECONNRESET. Idle connections stay open longer than load balancers keep theirs
  // (60 s is common), so the balancer, not provml, closes first. Headers must be allowed at least as long.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  server.listen(config.port, config.host);
  try {
    await once(server, 'listening');
  } catch (error) {
    throw explainListenError(error, config);
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  const url = `http://${host}:${port}`;
  options.onListening?.(url);
  logger.info({ url, dataDir: config.dataDir }, 'listening; loading the store');
  // As PID 1 in a container a signal without a handler is ignored, so one is there while the store
  // loads too. Loading writes nothing a crash could not also leave, so stopping then is just an exit.
  const stopWhileStarting = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'stopping during start-up (nothing to save yet)');
    process.exit(0);
  };
  const handleSignals = options.handleSignals ?? true;
  if (handleSignals) {
    process.once('SIGINT', stopWhileStarting);
    process.once('SIGTERM', stopWhileStarting);
  }
  const startupDone = (): void => {
    process.off('SIGINT', stopWhileStarting);
    process.off('SIGTERM', stopWhileStarting);
  };

  let store: ProvStore;
  try {
    store = await (options.openStore ?? openConfiguredStore)(config, logger);
  } catch (error) {
    startupDone();
    server.closeAllConnections();
    server.close();
    throw error;
  }
  try {
    const ontology = await ensureOntologyGraph(store, config.ontologyDir, shipped);
    if (!ontology.loaded && !ontology.notWritten)
      logger.warn(
        { ontologyDir: config.ontologyDir },
        'no ontology found; serving without the ontology graph',
      );
    else if (ontology.notWritten)
      logger.warn(
        { reason: ontology.notWritten },
        'the ontology graph differs from the shipped files but the store refuses writes: serving the one it holds',
      );
    else logger.info({ quads: ontology.quads, written: ontology.written }, 'ontology graph ready');
    app = createApp({ store, config, logger });
  } catch (error) {
    startupDone();
    server.closeAllConnections();
    server.close();
    await store.close();
    throw error;
  }

  logger.info(
    {
      url,
      dataDir: config.dataDir,
      ms: Date.now() - started,
      auth: config.token ? 'token' : 'loopback-only writes',
    },
    'provml serving',
  );

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      detachSignals();
      const drained = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const timer = setTimeout(() => server.closeAllConnections(), DRAIN_MS).unref();
      await drained;
      clearTimeout(timer);
      await store.close();
      logger.info('provml stopped');
    })();
    return closing;
  };

  const onSignal = (signal: NodeJS.Signals): void => {
    logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  const detachSignals = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
  startupDone();
  if (handleSignals) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { url, close };
}

/**
 * The ontology graph goes into the store at every start-up, so a size limit below it could never be
 * met: said at start-up, as a configuration error, before anything is opened.
 */
function checkLimitHoldsOntology(config: Config, shipped: ShippedOntology | undefined): void {
  if (config.store !== 'embedded' || config.maxQuads === undefined || !shipped) return;
  if (config.maxQuads >= shipped.quads.length) return;
  throw new ConfigError([
    `maxQuads / PROVML_MAX_QUADS is ${config.maxQuads}, below the ${shipped.quads.length} quads of the shipped ontology graph that every start-up keeps in the store: raise it (default 10000000)`,
  ]);
}

/** The durable embedded store, or the external SPARQL engine (with its outbox in the data directory). */
export async function openConfiguredStore(config: Config, logger: Logger): Promise<ProvStore> {
  if (config.store === 'sparql') {
    return openSparqlStore({
      queryUrl: config.sparqlQueryUrl ?? '',
      updateUrl: config.sparqlUpdateUrl ?? '',
      ...(config.sparqlGspUrl ? { graphStoreUrl: config.sparqlGspUrl } : {}),
      ...(config.sparqlUser ? { username: config.sparqlUser } : {}),
      ...(config.sparqlPassword ? { password: config.sparqlPassword } : {}),
      outboxDir: join(config.dataDir, 'outbox'),
      queryTimeoutMs: config.queryTimeoutMs,
      logger,
    });
  }
  return openDurableStore({
    dir: config.dataDir,
    queryTimeoutMs: config.queryTimeoutMs,
    snapshotAfterBytes: config.snapshotAfterBytes,
    snapshotInBackground: config.snapshotInBackground,
    maxQuads: config.maxQuads,
    maxSpoolBytes: config.maxSpoolBytes,
    logger,
  });
}

function explainListenError(error: unknown, config: Config): unknown {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${config.host}:${config.port}`;
  if (code === 'EADDRINUSE') {
    return new ProvmlError(
      'Locked',
      `${where} is already in use: stop the other server or choose another port (--port / PROVML_PORT).`,
    );
  }
  if (code === 'EACCES')
    return new ProvmlError('Forbidden', `No permission to listen on ${where}: use a port above 1023.`);
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND') {
    return new ProvmlError(
      'InvalidConfig',
      `Cannot listen on host ${config.host}: use an address of this machine (--host / PROVML_HOST).`,
    );
  }
  return error;
}
