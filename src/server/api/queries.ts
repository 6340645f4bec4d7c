import { type Request, type Response, Router } from 'express';
import { catalogQuerySerialized, describeEntry, packageCatalog, runCatalogQuery } from '../../query/index.ts';
import { CSV, JSON_MEDIA_TYPE, SPARQL_RESULTS_JSON, serializeSolutions } from '../../rdf/index.ts';
import { checkWriteAccess } from '../auth.ts';
import { jsonBody } from '../body.ts';
import type { AppContext } from '../context.ts';
import { NotAcceptableError } from '../errors.ts';
import { negotiate } from '../negotiate.ts';
import { sendChunks } from '../send-chunks.ts';
import { queryInputs } from './query-inputs.ts';

const OFFERS = [SPARQL_RESULTS_JSON, JSON_MEDIA_TYPE, CSV] as const;

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
      format === 'csv' ? CSV : format === 'json' ? SPARQL_RESULTS_JSON : negotiate(req.get('accept'), OFFERS);
    if (!mediaType) throw new NotAcceptableError(`query ${entry.name}`, OFFERS);
    const written = mediaType === CSV ? CSV : SPARQL_RESULTS_JSON;
    const timeoutMs = ctx.config.queryTimeoutMs;
    if (sources.length === 0) {
      const answer = await catalogQuerySerialized(ctx.store, entry, values, written, { timeoutMs });
      await sendChunks(req, res, answer.body, `${written}; charset=utf-8`, { onePieceWhole: true });
      return;
    }
    const result = await runCatalogQuery(ctx.store, entry, values, {
      sources,
      timeoutMs,
      ontologyDir: ctx.config.ontologyDir,
    });
    res.type(`${written}; charset=utf-8`).send(serializeSolutions(result, written));
  };
  const handle = (req: Request, res: Response, next: (error?: unknown) => void): void => {
    run(req, res).catch(next);
  };
  router.get('/queries/:name', handle);
  router.post('/queries/:name', jsonBody(ctx.config.maxBodyBytes), handle);
  return router;
}
