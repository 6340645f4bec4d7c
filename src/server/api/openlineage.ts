import { Router } from 'express';
import { requireWriteAccess } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ingest } from './events.ts';

/**
 * POST /lineage: OpenLineage events exactly as the OpenLineage HTTP transport sends them (one JSON event per
 * request, or an array; `Authorization: Bearer <token>` when the server has one), so an unmodified pipeline
 * pointed at provml's URL delivers. Marquez uses the same path. (GET /lineage is the lineage picture.)
 */
export function createOpenLineageRouter(ctx: AppContext): Router {
  const router = Router();
  router.post('/lineage', requireWriteAccess(ctx.config), (req, res, next) => {
    ingest(ctx, req, res, 'openlineage').catch(next);
  });
  return router;
}
