import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { startServer } from '../main.ts';

interface ServeFlags {
  port?: string;
  host?: string;
  data?: string;
  token?: string;
  writeOrigins?: string;
  allowedHosts?: string;
  config?: string;
  queryTimeoutMs?: string;
  logLevel?: string;
}

/** `provml serve`: the SPARQL endpoint, Graph Store and capture API over the durable embedded store. */
export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Serve /sparql, /store, /health and /api/v1 over the durable embedded store.')
    .option('--port <port>', 'port to listen on, 0 for any free port (env PROVML_PORT, default 7070)')
    .option('--host <host>', 'address to listen on (env PROVML_HOST, default 127.0.0.1)')
    .option('--data <dir>', 'data directory of the store (env PROVML_DATA, default ./data)')
    .option(
      '--token <token>',
      'bearer token required for writes (env PROVML_TOKEN; unset: loopback-only writes)',
    )
    .option(
      '--write-origins <origins>',
      'web page origins that may write, comma-separated (env PROVML_WRITE_ORIGINS; default none)',
    )
    .option(
      '--allowed-hosts <names>',
      'host names clients may use besides localhost and IP addresses (env PROVML_ALLOWED_HOSTS)',
    )
    .option('--config <file>', 'JSON configuration file (env PROVML_CONFIG)')
    .option(
      '--query-timeout-ms <ms>',
      'query time limit in milliseconds (env PROVML_QUERY_TIMEOUT_MS, default 30000)',
    )
    .option('--log-level <level>', 'fatal, error, warn, info, debug, trace or silent (env PROVML_LOG_LEVEL)')
    .action(async (flags: ServeFlags) => {
      const config = loadConfig({
        env: process.env,
        file: flags.config,
        flags: {
          port: flags.port,
          host: flags.host,
          dataDir: flags.data,
          token: flags.token,
          writeOrigins: flags.writeOrigins,
          allowedHosts: flags.allowedHosts,
          queryTimeoutMs: flags.queryTimeoutMs,
          logLevel: flags.logLevel,
        },
      });
      const logger = createLogger(config.logLevel);
      const { url } = await startServer(config, logger, {
        onListening: (where) =>
          process.stderr.write(
            `provml listening on ${where}, loading the store (/health answers "starting")\n`,
          ),
      });
      process.stderr.write(`provml serving on ${url} (SPARQL endpoint ${url}/sparql)\n`);
    });
}
