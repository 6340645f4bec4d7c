import { Router } from 'express';
import type { AppContext } from '../context.ts';
import { createEventsRouter } from './events.ts';
import { createExportRouter } from './export.ts';
import { createImportRouter } from './import.ts';
import { createLineageRouter } from './lineage.ts';
import { createOpenLineageRouter } from './openlineage.ts';
import { createQueriesRouter } from './queries.ts';
import { createQueryTextRouter } from './query-text.ts';
import { createRunsRouter } from './runs.ts';
import { createValidateRouter } from './validate.ts';

/**
 * The /api/v1 routers, one module per concern. Each `create…Router(ctx)` returns an express Router
 * mounted below /api/v1.
 */
export function createApiRouter(ctx: AppContext): Router {
  const router = Router();
  // Each concern adds one line here: router.use(createEventsRouter(ctx)); router.use(createValidateRouter(ctx)); …
  router.use(createEventsRouter(ctx));
  router.use(createValidateRouter(ctx));
  router.use(createQueriesRouter(ctx));
  router.use(createExportRouter(ctx));
  router.use(createImportRouter(ctx));
  router.use(createOpenLineageRouter(ctx));
  router.use(createRunsRouter(ctx));
  router.use(createLineageRouter(ctx));
  router.use(createQueryTextRouter());
  return router;
}
