// SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification) at /store.
import { type Request, type RequestHandler, Router } from 'express';
import type { GraphTerm, LoadOptions, RdfFormat } from '../../store/index.ts';
import { requireWriteAccess } from '../auth.ts';
import { bodyText, requireContentType, textBody, urlParams } from '../body.ts';
import type { AppContext } from '../context.ts';
import { NotAcceptableError, NotFoundError, UnsupportedMediaTypeError } from '../errors.ts';
import {
  GRAPH_MEDIA_TYPES,
  QUAD_FORMATS,
  RDF_BODY_FORMATS,
  rdfBodyFormat,
  withCharset,
} from '../media-types.ts';
import { closeRoute } from '../methods.ts';
import { mediaTypeOf, negotiate } from '../negotiate.ts';
import { quadsInto, serializeGraph } from './serialize.ts';
import { describeGraph, graphTarget } from './target.ts';

export function createGraphStoreRouter(ctx: AppContext): Router {
  const router = Router();
  const write = [
    requireWriteAccess(ctx.config),
    validTarget,
    requireContentType(RDF_BODY_FORMATS),
    textBody(ctx.config.maxBodyBytes),
  ];
  router.get('/store', read(ctx));
  router.put('/store', ...write, replace(ctx));
  router.post('/store', ...write, merge(ctx));
  router.delete('/store', requireWriteAccess(ctx.config), remove(ctx));
  closeRoute(router, '/store', ['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
  return router;
}

/** Checks ?graph / ?default before a body is read, so a mistyped URL fails fast. */
const validTarget: RequestHandler = (req, _res, next) => {
  try {
    graphTarget(urlParams(req));
    next();
  } catch (error) {
    next(error);
  }
};

function read(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const graph = graphTarget(urlParams(req));
    res.vary('Accept');
    const chosen = negotiate(req.get('accept'), GRAPH_MEDIA_TYPES);
    if (!chosen) throw new NotAcceptableError(describeGraph(graph), GRAPH_MEDIA_TYPES);
    await mustExist(ctx, graph);
    const body = await serializeGraph(ctx.store, graph, chosen, ctx.config.queryTimeoutMs);
    res.status(200).type(withCharset(chosen)).send(body);
  };
}

function replace(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const graph = graphTarget(urlParams(req));
    const existed = await ctx.store.hasGraph(graph);
    await ctx.store.replaceGraph(graph, bodyText(req) ?? '', loadOptions(req, graph));
    res.status(await createdStatus(ctx, graph, existed)).end();
  };
}

function merge(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const graph = graphTarget(urlParams(req));
    const existed = await ctx.store.hasGraph(graph);
    const options = loadOptions(req, graph);
    const data = bodyText(req) ?? '';
    if (QUAD_FORMATS.includes(options.format)) {
      await ctx.store.insert(await quadsInto(data, options.format, graph, options.baseIri));
    } else {
      await ctx.store.load(data, options);
    }
    res.status(await createdStatus(ctx, graph, existed)).end();
  };
}

function remove(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const graph = graphTarget(urlParams(req));
    await mustExist(ctx, graph);
    await ctx.store.dropGraph(graph);
    res.status(204).end();
  };
}

async function mustExist(ctx: AppContext, graph: GraphTerm): Promise<void> {
  if (graph.termType === 'NamedNode' && !(await ctx.store.hasGraph(graph))) {
    throw new NotFoundError(
      `There is no ${describeGraph(graph)} in the store (graphs hold at least one triple to exist).`,
    );
  }
}

/** 201 when the request brought a named graph into existence, 204 otherwise. */
async function createdStatus(ctx: AppContext, graph: GraphTerm, existed: boolean): Promise<number> {
  return !existed && graph.termType === 'NamedNode' && (await ctx.store.hasGraph(graph)) ? 201 : 204;
}

function loadOptions(req: Request, graph: GraphTerm): LoadOptions & { format: RdfFormat } {
  const format = rdfBodyFormat(mediaTypeOf(req.get('content-type')));
  if (!format) throw new UnsupportedMediaTypeError(req.get('content-type'), RDF_BODY_FORMATS);
  const options: LoadOptions = { format, graph };
  if (graph.termType === 'NamedNode') options.baseIri = graph.value;
  return options;
}
