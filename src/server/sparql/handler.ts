// SPARQL 1.1 Protocol endpoint: GET/POST queries, POST updates, the service description.
import { type Request, type RequestHandler, type Response, Router } from 'express';
import { runFederated } from '../../query/index.ts';
import { isValidIri, SPARQL_RESULTS_JSON, SPARQL_UPDATE, TURTLE } from '../../rdf/index.ts';
import {
  type PreparedQuery,
  prepareQueryAtEdge,
  prepareUpdateAtEdge,
  type QueryMediaTypes,
  type QueryOptions,
  querySerialized,
} from '../../store/index.ts';
import { checkWriteAccess } from '../auth.ts';
import { bodyText, requireContentType, textBody, urlParams } from '../body.ts';
import type { AppContext } from '../context.ts';
import { NotAcceptableError } from '../errors.ts';
import { GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES, withCharset } from '../media-types.ts';
import { closeRoute } from '../methods.ts';
import { mediaTypeOf, negotiate } from '../negotiate.ts';
import { sendChunks } from '../send-chunks.ts';
import { POST_CONTENT_TYPES, parseSparqlRequest } from './request.ts';
import { serviceDescription } from './service-description.ts';
import { refusePartialUnionUpdate } from './union-update-guard.ts';

const RESULT_OFFERS = [...RESULT_MEDIA_TYPES.keys()];

export function createSparqlRouter(ctx: AppContext): Router {
  const router = Router();
  const handle = sparqlHandler(ctx);
  router.get('/sparql', handle);
  router.post(
    '/sparql',
    requireContentType(POST_CONTENT_TYPES),
    guardUpdateBody(ctx),
    textBody(ctx.config.maxBodyBytes),
    handle,
  );
  closeRoute(router, '/sparql', ['GET', 'HEAD', 'POST']);
  return router;
}

/** An application/sparql-update body is refused before it is read when the client may not write. */
function guardUpdateBody(ctx: AppContext): RequestHandler {
  return (req, _res, next) => {
    try {
      if (mediaTypeOf(req.get('content-type')) === SPARQL_UPDATE) checkWriteAccess(ctx.config, req);
      next();
    } catch (error) {
      next(error);
    }
  };
}

function sparqlHandler(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const operation = parseSparqlRequest({
      method: req.method,
      url: urlParams(req),
      contentType: mediaTypeOf(req.get('content-type')),
      body: bodyText(req),
    });
    res.vary('Accept');
    // Parsed once here; relative IRIs resolve against the endpoint's URL as the client reached it.
    const baseIri = endpointUrl(ctx, req);
    switch (operation.kind) {
      case 'description':
        return describe(ctx, req, res);
      case 'update': {
        checkWriteAccess(ctx.config, req);
        const prepared = await prepareUpdateAtEdge(operation.update, {
          baseIri,
          ...(operation.using ? { using: operation.using } : {}),
        });
        refusePartialUnionUpdate(prepared, ctx.config.unionDefaultGraph);
        await ctx.store.update(prepared, { unionDefaultGraph: ctx.config.unionDefaultGraph });
        res.status(204).end();
        return;
      }
      case 'query': {
        const prepared = await prepareQueryAtEdge(operation.query, {
          baseIri,
          ...(operation.dataset ? { dataset: operation.dataset } : {}),
        });
        const options: QueryOptions = {
          timeoutMs: ctx.config.queryTimeoutMs,
          unionDefaultGraph: ctx.config.unionDefaultGraph,
        };
        return query(ctx, req, res, prepared, options);
      }
    }
  };
}

async function query(
  ctx: AppContext,
  req: Request,
  res: Response,
  prepared: PreparedQuery,
  options: QueryOptions,
): Promise<void> {
  const { form } = prepared;
  const wantsGraph = form === 'construct' || form === 'describe';
  const offers = wantsGraph ? GRAPH_MEDIA_TYPES : RESULT_OFFERS;
  const chosen = negotiate(req.get('accept'), offers);
  if (!chosen) throw new NotAcceptableError(`${form.toUpperCase()} results`, offers);
  const accept = wantsGraph
    ? { results: SPARQL_RESULTS_JSON, graph: chosen }
    : { results: RESULT_MEDIA_TYPES.get(chosen) ?? SPARQL_RESULTS_JSON, graph: TURTLE };
  const result = prepared.usesService
    ? await federate(ctx, req, prepared, accept)
    : await querySerialized(ctx.store, prepared, accept, options);
  await sendChunks(req, res, result.body, withCharset(chosen), { onePieceWhole: true });
}

/**
 * SERVICE makes the server itself fetch other endpoints, so (against request forgery) it needs the same
 * access as a write: the token, or a loopback client when no token is set. Comunica answers it, with the
 * local store as the default source.
 */
function federate(ctx: AppContext, req: Request, prepared: PreparedQuery, accept: QueryMediaTypes) {
  checkWriteAccess(ctx.config, req);
  return runFederated(prepared, {
    store: ctx.store,
    timeoutMs: ctx.config.queryTimeoutMs,
    unionDefaultGraph: ctx.config.unionDefaultGraph,
    accept,
    ontologyDir: ctx.config.ontologyDir,
  });
}

async function describe(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const chosen = negotiate(req.get('accept'), GRAPH_MEDIA_TYPES);
  if (!chosen) throw new NotAcceptableError('the service description', GRAPH_MEDIA_TYPES);
  const body = await serviceDescription(
    { endpoint: endpointUrl(ctx, req), unionDefaultGraph: ctx.config.unionDefaultGraph },
    chosen,
  );
  res.status(200).type(withCharset(chosen)).send(body);
}

/** The endpoint's absolute URL as the client addressed it (or as configured, for an unusable Host). */
function endpointUrl(ctx: AppContext, req: Request): string {
  const reached = `${req.protocol}://${req.get('host') ?? ''}${req.baseUrl}/sparql`;
  return isValidIri(reached) && req.get('host')
    ? reached
    : `http://${ctx.config.host}:${ctx.config.port}/sparql`;
}
