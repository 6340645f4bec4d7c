import { Router } from 'express';
import { BadRequestError } from '../../errors.ts';
import { packageCatalog } from '../../query/index.ts';
import { isValidIri } from '../../rdf/index.ts';
import { urlParams } from '../body.ts';
import type { AppContext } from '../context.ts';
import { NotAcceptableError, NotFoundError } from '../errors.ts';
import { layoutLineage, lineageGraph, lineageSvg } from '../lineage/index.ts';
import { negotiate } from '../negotiate.ts';

const SVG = 'image/svg+xml';
const JSON_TYPE = 'application/json';
const OFFERS = [SVG, JSON_TYPE] as const;

/**
 * GET /lineage?model=IRI[&format=svg|json]: the model's lineage across workflow executions, as a standalone
 * picture (image/svg+xml, laid out left to right: data → tasks → model) or as nodes and edges (JSON).
 */
export function createLineageRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/lineage', async (req, res, next) => {
    try {
      const url = urlParams(req);
      const model = url.get('model') ?? '';
      if (!isValidIri(model)) throw new BadRequestError('Give ?model= the absolute IRI of a model.');
      const format = url.get('format');
      const mediaType =
        format === 'svg' ? SVG : format === 'json' ? JSON_TYPE : negotiate(req.get('accept'), OFFERS);
      if (!mediaType) throw new NotAcceptableError('a lineage', OFFERS);
      const graph = await lineageGraph(ctx.store, await packageCatalog(), model, ctx.config.queryTimeoutMs);
      if (!graph.nodes.some((node) => node.id === model))
        throw new NotFoundError(`No model or data item ${model} in the store.`);
      res.vary('Accept');
      if (mediaType === JSON_TYPE) {
        res.json(graph);
        return;
      }
      const layout = await layoutLineage(graph);
      res.type(`${SVG}; charset=utf-8`).send(lineageSvg(layout, `Lineage of ${model}`));
    } catch (error) {
      next(error);
    }
  });
  return router;
}
