import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { isListedOrigin } from './origin.ts';

const READ_METHODS = 'GET, HEAD, POST, OPTIONS';
const WRITE_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';
const EXPOSE_HEADERS = 'Allow, Content-Type, Location, Retry-After, WWW-Authenticate';

export type CorsConfig = Pick<Config, 'corsOrigins' | 'writeOrigins'>;

/**
 * CORS for browser clients. Reads are open to corsOrigins ('*' for any, a list, or [] for none), so SPARQL
 * editors work. Only writeOrigins may send Authorization, PUT or DELETE (and they get CORS whatever
 * corsOrigins says); whether a request may write at all is decided by the write check, not here.
 */
export function cors(config: CorsConfig): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    const writer = origin !== undefined && isListedOrigin({ origin }, config.writeOrigins);
    const reader =
      origin !== undefined && (config.corsOrigins === '*' || config.corsOrigins.includes(origin));
    if (!origin || !(writer || reader)) {
      next();
      return;
    }
    if (config.corsOrigins === '*' && config.writeOrigins.length === 0) {
      res.set('Access-Control-Allow-Origin', '*');
    } else {
      res.set('Access-Control-Allow-Origin', origin);
      res.vary('Origin');
    }
    res.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      res.set('Access-Control-Allow-Methods', writer ? WRITE_METHODS : READ_METHODS);
      const headers = allowedHeaders(req.get('access-control-request-headers'), writer);
      if (headers) res.set('Access-Control-Allow-Headers', headers);
      // Chrome asks before a public page may reach a loopback server; an origin allowed here may.
      if (req.get('access-control-request-private-network') === 'true')
        res.set('Access-Control-Allow-Private-Network', 'true');
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}

/** The requested headers, less Authorization unless the origin may write (a reader has no use for the token). */
function allowedHeaders(requested: string | undefined, writer: boolean): string | undefined {
  const names = (requested ?? 'accept, content-type')
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '' && (writer || name.toLowerCase() !== 'authorization'));
  return names.length > 0 ? names.join(', ') : undefined;
}
