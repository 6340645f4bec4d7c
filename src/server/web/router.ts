import { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import type { AppContext } from '../context.ts';
import { methodNotAllowed } from '../errors.ts';
import { parseAccept } from '../negotiate.ts';
import { buildWebBundle, type WebBundle } from './assets.ts';
import type { WriteSignals } from './live.ts';
import { appPage, sparqlPage } from './pages.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The web page: / (the views), /assets/<name>-<hash>.<ext> (immutable: a new build has new names), and the
 * SPARQL editor for browsers at GET /sparql, and the live stream GET /api/v1/live (server-sent events telling
 * the comparison view that a run it shows was written to). The pages themselves are never cached, so a restart's new assets
 * are picked up. Everything is read-only and same-origin; nothing is fetched from elsewhere.
 */
export function createWebRouter(ctx: AppContext, live: WriteSignals): Router {
  let bundle: Promise<WebBundle> | undefined;
  const built = (): Promise<WebBundle> => {
    bundle ??= buildWebBundle();
    bundle.catch((error: unknown) => {
      ctx.logger.error({ err: error }, 'building the web page failed');
      bundle = undefined;
    });
    return bundle;
  };
  const html =
    (render: (b: WebBundle) => string): RequestHandler =>
    (_req, res, next) => {
      built()
        .then((b) => {
          res.set('Cache-Control', 'no-cache');
          res.set(
            'Content-Security-Policy',
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'",
          );
          res.type('text/html; charset=utf-8').send(render(b));
        })
        .catch(next);
    };
  const asset = (req: Request, res: Response, next: NextFunction): void => {
    built()
      .then((b) => {
        const found = b.assets.get(req.path.slice('/assets/'.length));
        if (!found) {
          next();
          return;
        }
        res.set('Cache-Control', IMMUTABLE);
        res.type(found.type).send(found.body);
      })
      .catch(next);
  };
  // One middleware, not routes: an express route would also answer OPTIONS (and HEAD) for its path, and
  // OPTIONS /sparql belongs to the protocol.
  const onlyGet = methodNotAllowed(['GET']);
  const router = Router();
  router.use((req, res, next) => {
    if (req.path === '/api/v1/live')
      return req.method === 'GET' ? live.stream(req, res, next) : onlyGet(req, res, next);
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    if (req.path === '/' || req.path === '/index.html') return html(appPage)(req, res, next);
    if (req.path === '/sparql' && wantsEditor(req)) return html(sparqlPage)(req, res, next);
    if (/^\/assets\/[\w.-]+$/.test(req.path)) return asset(req, res, next);
    next();
  });
  return router;
}

/**
 * A browser opening /sparql: a GET with no query or update parameter whose Accept names text/html at least as
 * high as anything else, and first. Every other request (a query, a service-description fetch, curl's *\/*) stays the protocol.
 */
export function wantsEditor(req: Request): boolean {
  const url = new URL(req.originalUrl, 'http://localhost').searchParams;
  if (url.has('query') || url.has('update')) return false;
  const [first] = parseAccept(req.get('accept')).sort((x, y) => y.q - x.q || x.index - y.index);
  return first !== undefined && first.q > 0 && first.type === 'text' && first.subtype === 'html';
}
