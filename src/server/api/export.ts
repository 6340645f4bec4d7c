import { Router } from 'express';
import { BadRequestError } from '../../errors.ts';
import {
  type ExportTarget,
  exportRdf,
  FORMAT_NAMES,
  type InterchangeFormat,
  interchangeMediaType,
  parseFormatName,
} from '../../interchange/index.ts';
import type { AppContext } from '../context.ts';
import { NotAcceptableError } from '../errors.ts';
import { negotiate } from '../negotiate.ts';
import { sendChunks } from '../send-chunks.ts';

/** GET /export?graph=…|experiment=…|model=…&format=jsonld|turtle|trig|nquads (or by Accept). */
export function createExportRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/export', async (req, res, next) => {
    try {
      const url = new URL(req.originalUrl, 'http://localhost').searchParams;
      const target = exportTarget(url);
      const format = exportFormat(url.get('format'), req.get('accept'));
      const result = await exportRdf(ctx.store, target, { format, ontologyDir: ctx.config.ontologyDir });
      await sendChunks(req, res, result.chunks, `${result.mediaType}; charset=utf-8`);
    } catch (error) {
      next(error);
    }
  });
  return router;
}

function exportTarget(url: URLSearchParams): ExportTarget {
  const given = (['graph', 'experiment', 'model'] as const).filter((key) => url.has(key));
  if (given.length !== 1)
    throw new BadRequestError('Name exactly one of graph=, experiment= or model= (an IRI) to export.');
  const key = given[0] as 'graph' | 'experiment' | 'model';
  const value = url.get(key) ?? '';
  return key === 'graph' ? { graph: value } : key === 'experiment' ? { experiment: value } : { model: value };
}

function exportFormat(name: string | null, accept: string | undefined): InterchangeFormat {
  if (name) return parseFormatName(name);
  const offers = FORMAT_NAMES.map(interchangeMediaType);
  const chosen = negotiate(accept, offers);
  if (!chosen) throw new NotAcceptableError('an export', offers);
  return FORMAT_NAMES[offers.indexOf(chosen)] as InterchangeFormat;
}
