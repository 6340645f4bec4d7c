import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, DELETE, OPTIONS';
const ALLOW_HEADERS = 'Accept, Authorization, Content-Type';
const EXPOSE_HEADERS = 'Allow, Content-Type, Location, Retry-After, WWW-Authenticate';

/** CORS for browser clients (SPARQL editors): '*' for any origin, a list of origins, or [] for none. */
export function cors(origins: Config['corsOrigins']): RequestHandler {
  return (req, res, next) => {
    const origin = req.get('origin');
    if (!origin || (origins !== '*' && !origins.includes(origin))) {
      next();
      return;
    }
    if (origins === '*') {
      res.set('Access-Control-Allow-Origin', '*');
    } else {
      res.set('Access-Control-Allow-Origin', origin);
      res.vary('Origin');
    }
    res.set('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    if (req.method === 'OPTIONS' && req.get('access-control-request-method')) {
      res.set('Access-Control-Allow-Methods', ALLOW_METHODS);
      res.set('Access-Control-Allow-Headers', req.get('access-control-request-headers') ?? ALLOW_HEADERS);
      res.set('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
