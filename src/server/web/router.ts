import { type Request, type RequestHandler, type Response, Router } from 'express';
import type { AppContext } from '../context.ts';
import { parseAccept } from '../negotiate.ts';
import { buildWebBundle, type WebBundle } from './assets.ts';
import { appPage, sparqlPage } from './pages.ts';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The web page: / (the views), /assets/<name>-<hash>.<ext> (immutable: a new build has new names), and the
 * SPARQL editor for browsers at GET /sparql. The pages themselves are never cached, so a restart's new assets
 * are picked up. Everything is read-only and same-origin; nothing is fetched from elsewhere.
 */
export function createWebRouter(ctx: AppContext): Router {
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
  const router = Router();
  router.get(['/', '/index.html'], html(appPage));
  router.get('/sparql', (req, res, next) => {
    if (wantsEditor(req)) html(sparqlPage)(req, res, next);
    else next();
  });
  router.get('/assets/:name', (req: Request, res: Response, next) => {
    built()
      .then((b) => {
        const asset = b.assets.get(String(req.params.name));
        if (!asset) {
          next();
          return;
        }
        res.set('Cache-Control', IMMUTABLE);
        res.type(asset.type).send(asset.body);
      })
      .catch(next);
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
