import { type Request, Router } from 'express';
import { BadRequestError } from '../../errors.ts';
import { checkXmlEntityExpansion } from '../../interchange/index.ts';
import { type DataSource, validateData, validateOntology } from '../../ontology/index.ts';
import { isValidIri, N_QUADS, N_TRIPLES, RDF_MEDIA_TYPES, RDF_XML, syntaxOf } from '../../rdf/index.ts';
import { dumpText } from '../../store/index.ts';
import { bodyText, textBody, urlParams } from '../body.ts';
import type { AppContext } from '../context.ts';
import { methodNotAllowed, NotFoundError, UnsupportedMediaTypeError } from '../errors.ts';
import { mediaTypeOf } from '../negotiate.ts';

const RDF_TYPES: readonly string[] = RDF_MEDIA_TYPES;

/**
 * GET /validate/ontology: the alignment report of the shipped ontology (200 with ok:false when it has
 * violations: the report is the answer). POST /validate/data: SHACL report of an RDF body, or of the
 * store's graph named by ?graph=IRI (200 whatever the findings).
 */
export function createValidateRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/validate/ontology', async (_req, res, next) => {
    try {
      res.json(await validateOntology(undefined, { ontologyDir: ctx.config.ontologyDir }));
    } catch (error) {
      next(error);
    }
  });
  router.all('/validate/ontology', methodNotAllowed(['GET']));
  router.post('/validate/data', textBody(ctx.config.maxBodyBytes), async (req, res, next) => {
    try {
      res.json(await validateData(await dataSource(ctx, req), { ontologyDir: ctx.config.ontologyDir }));
    } catch (error) {
      next(error);
    }
  });
  router.all('/validate/data', methodNotAllowed(['POST']));
  return router;
}

async function dataSource(ctx: AppContext, req: Request): Promise<DataSource> {
  const graphs = urlParams(req).getAll('graph');
  if (graphs.length > 1) throw new BadRequestError('Give one ?graph parameter.');
  const graph = graphs[0];
  if (graph !== undefined) {
    if (!isValidIri(graph))
      throw new BadRequestError(`?graph must be an absolute IRI, got ${JSON.stringify(graph)}.`);
    const term = { termType: 'NamedNode', value: graph } as const;
    if (!(await ctx.store.hasGraph(term))) throw new NotFoundError(`No graph ${graph} in the store.`);
    return {
      data: await dumpText(ctx.store.dump({ format: N_TRIPLES, graph: term })),
      format: N_QUADS,
    };
  }
  const type = mediaTypeOf(req.get('content-type'));
  if (!type || !RDF_TYPES.includes(type) || !syntaxOf(type))
    throw new UnsupportedMediaTypeError(req.get('content-type'), RDF_TYPES);
  const body = bodyText(req);
  if (!body?.trim())
    throw new BadRequestError(
      'Empty body: send RDF to validate, or ?graph=IRI to validate a graph of the store.',
    );
  if (type === RDF_XML) checkXmlEntityExpansion(body, ctx.config.maxBodyBytes);
  return { data: body, format: type };
}
