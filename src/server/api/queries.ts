import { type Request, type Response, Router } from 'express';
import { describeEntry, packageCatalog, runCatalogQuery, toCsv, toSparqlJson } from '../../query/index.ts';
import { checkWriteAccess } from '../auth.ts';
import { jsonBody } from '../body.ts';
import type { AppContext } from '../context.ts';
import { NotAcceptableError } from '../errors.ts';
import { negotiate } from '../negotiate.ts';
import { queryInputs } from './query-inputs.ts';

const SPARQL_JSON = 'application/sparql-results+json';
const OFFERS = [SPARQL_JSON, 'application/json', 'text/csv'] as const;

/** GET /queries (the catalog) and GET|POST /queries/:name (run with typed parameters). */
export function createQueriesRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/queries', async (_req, res, next) => {
    try {
      const catalog = await packageCatalog();
      res.json({ queries: catalog.list().map(describeEntry) });
    } catch (error) {
      next(error);
    }
  });
  const run = async (req: Request, res: Response): Promise<void> => {
    const entry = (await packageCatalog()).get(String(req.params.name));
    const { values, sources, format } = queryInputs(req);
    // External sources make the server fetch URLs or read files: that needs write access (as SERVICE does).
    if (sources.length > 0) checkWriteAccess(ctx.config, req);
    const mediaType =
      format === 'csv' ? 'text/csv' : format === 'json' ? SPARQL_JSON : negotiate(req.get('accept'), OFFERS);
    if (!mediaType) throw new NotAcceptableError(`query ${entry.name}`, OFFERS);
    const result = await runCatalogQuery(ctx.store, entry, values, {
      sources,
      timeoutMs: ctx.config.queryTimeoutMs,
      ontologyDir: ctx.config.ontologyDir,
    });
    if (mediaType === 'text/csv') res.type('text/csv; charset=utf-8').send(toCsv(result));
    else res.type(`${SPARQL_JSON}; charset=utf-8`).send(JSON.stringify(toSparqlJson(result)));
  };
  const handle = (req: Request, res: Response, next: (error?: unknown) => void): void => {
    run(req, res).catch(next);
  };
  router.get('/queries/:name', handle);
  router.post('/queries/:name', jsonBody(ctx.config.maxBodyBytes), handle);
  return router;
}
