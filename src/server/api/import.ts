import { Router } from 'express';
import { BadRequestError } from '../../errors.ts';
import {
  FORMAT_NAMES,
  formatOfMediaType,
  importRdf,
  interchangeMediaType,
  parseFormatName,
} from '../../interchange/index.ts';
import { isValidIri } from '../../rdf/index.ts';
import { requireWriteAccess } from '../auth.ts';
import { bodyText, textBody } from '../body.ts';
import type { AppContext } from '../context.ts';
import { UnsupportedMediaTypeError } from '../errors.ts';

/** POST /import?graph=…&format=… : JSON-LD, Turtle, TriG, N-Quads or N-Triples into the store (write-protected). */
export function createImportRouter(ctx: AppContext): Router {
  const router = Router();
  router.post(
    '/import',
    requireWriteAccess(ctx.config),
    textBody(ctx.config.maxBodyBytes),
    async (req, res, next) => {
      try {
        const url = new URL(req.originalUrl, 'http://localhost').searchParams;
        const named = url.get('format');
        const format = named ? parseFormatName(named) : formatOfMediaType(req.get('content-type') ?? '');
        if (!format)
          throw new UnsupportedMediaTypeError(
            req.get('content-type'),
            FORMAT_NAMES.map(interchangeMediaType),
          );
        const graph = url.get('graph');
        if (graph !== null && !isValidIri(graph))
          throw new BadRequestError(`graph= must be an absolute IRI, got ${JSON.stringify(graph)}.`);
        const data = bodyText(req) ?? '';
        if (data.trim() === '')
          throw new BadRequestError('The request body is empty: send the RDF to import.');
        const before = (await ctx.store.stats()).quads;
        const receipt = await importRdf(ctx.store, data, {
          format,
          ...(graph ? { graph: { termType: 'NamedNode' as const, value: graph } } : {}),
          ontologyDir: ctx.config.ontologyDir,
        });
        const after = (await ctx.store.stats()).quads;
        res.status(200).json({
          imported: true,
          format,
          graph: graph ?? null,
          quadsAdded: after - before,
          seq: receipt.seq,
        });
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
}
