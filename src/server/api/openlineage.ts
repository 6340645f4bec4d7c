import { Router } from 'express';
import { BadRequestError } from '../../errors.ts';
import { exportOpenLineage } from '../../openlineage/index.ts';
import { requireWriteAccess } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { ingest } from './events.ts';

/**
 * POST /lineage: OpenLineage events exactly as the OpenLineage HTTP transport sends them (one JSON event per
 * request, or an array; `Authorization: Bearer <token>` when the server has one), so an unmodified pipeline
 * pointed at provml's URL delivers. Marquez uses the same path. (GET /lineage is the lineage picture.)
 * GET /export/openlineage[?execution=IRI…|experiment=IRI][&namespace=NS]: captured executions as OpenLineage
 * RunEvents, NDJSON (one event a line, in time order).
 */
export function createOpenLineageRouter(ctx: AppContext): Router {
  const router = Router();
  router.post('/lineage', requireWriteAccess(ctx.config), (req, res, next) => {
    ingest(ctx, req, res, 'openlineage').catch(next);
  });
  router.get('/export/openlineage', (req, res, next) => {
    const url = new URL(req.originalUrl, 'http://localhost').searchParams;
    const executions = url.getAll('execution');
    const experiment = url.get('experiment') ?? undefined;
    const namespace = url.get('namespace') ?? undefined;
    for (const key of url.keys())
      if (!['execution', 'experiment', 'namespace'].includes(key))
        return next(
          new BadRequestError(`Parameter "${key}": unknown; use execution=, experiment= or namespace=.`),
        );
    exportOpenLineage(ctx.store, {
      executions,
      ...(experiment ? { experiment } : {}),
      ...(namespace ? { namespace } : {}),
    })
      .then((events) => {
        res
          .type('application/x-ndjson; charset=utf-8')
          .send(events.map((event) => `${JSON.stringify(event)}\n`).join(''));
      })
      .catch(next);
  });
  return router;
}
