// SPARQL 1.1 Graph Store HTTP Protocol (indirect graph identification) at /store.
import { randomUUID } from 'node:crypto';
import { type Request, type RequestHandler, Router } from 'express';
import { BadRequestError } from '../../errors.ts';
import type { GraphTerm } from '../../rdf/index.ts';
import { askBoolean } from '../../store/index.ts';
import { POSTED_GRAPH_BASE } from '../../vocab.ts';
import { requireWriteAccess } from '../auth.ts';
import { bodyText, requireContentType, textBody, urlParams } from '../body.ts';
import type { AppContext } from '../context.ts';
import { NotAcceptableError, NotFoundError } from '../errors.ts';
import { GRAPH_MEDIA_TYPES, withCharset } from '../media-types.ts';
import { closeRoute } from '../methods.ts';
import { mediaTypeOf, negotiate } from '../negotiate.ts';
import { sendChunks } from '../send-chunks.ts';
import {
  type ContentOptions,
  GRAPH_BODY_TYPES,
  type GraphContent,
  graphContent,
  partMediaType,
  partsContent,
} from './content.ts';
import { readMultipart } from './multipart.ts';
import { serializeGraph } from './serialize.ts';
import { describeGraph, graphTarget } from './target.ts';

const MULTIPART = 'multipart/form-data';

export function createGraphStoreRouter(ctx: AppContext): Router {
  const router = Router();
  const access = requireWriteAccess(ctx.config);
  router.get('/store', read(ctx));
  router.put(
    '/store',
    access,
    validTarget(false),
    requireContentType(GRAPH_BODY_TYPES),
    textBody(ctx.config.maxBodyBytes),
    replace(ctx),
  );
  router.post(
    '/store',
    access,
    validTarget(true),
    requireContentType([...GRAPH_BODY_TYPES, MULTIPART]),
    unlessMultipart(textBody(ctx.config.maxBodyBytes)),
    merge(ctx),
  );
  router.delete('/store', access, remove(ctx));
  closeRoute(router, '/store', ['GET', 'HEAD', 'PUT', 'POST', 'DELETE']);
  return router;
}

/** Checks ?graph / ?default before a body is read, so a mistyped URL fails fast. POST may name neither. */
function validTarget(mayCreate: boolean): RequestHandler {
  return (req, _res, next) => {
    try {
      if (!(mayCreate && createsGraph(urlParams(req)))) graphTarget(urlParams(req));
      next();
    } catch (error) {
      next(error);
    }
  };
}

/** A multipart body is read part by part (readMultipart), not as one text. */
const unlessMultipart =
  (step: RequestHandler): RequestHandler =>
  (req, res, next) =>
    mediaTypeOf(req.get('content-type')) === MULTIPART ? next() : step(req, res, next);

/** POST /store with neither ?graph nor ?default asks the store to create a graph (GSP §5.5). */
const createsGraph = (params: URLSearchParams): boolean => !params.has('graph') && !params.has('default');

function read(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const graph = graphTarget(urlParams(req));
    res.vary('Accept');
    const chosen = negotiate(req.get('accept'), GRAPH_MEDIA_TYPES);
    if (!chosen) throw new NotAcceptableError(describeGraph(graph), GRAPH_MEDIA_TYPES);
    await mustExist(ctx, graph);
    await sendChunks(
      req,
      res,
      serializeGraph(ctx.store, graph, chosen, ctx.config.queryTimeoutMs),
      withCharset(chosen),
    );
  };
}

function replace(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const graph = graphTarget(urlParams(req));
    const options = contentOptions(ctx, req, graph);
    const content = await graphContent(
      bodyText(req) ?? '',
      mediaTypeOf(req.get('content-type')) ?? '',
      options,
    );
    const had = await hasContent(ctx, graph);
    await ctx.store.replaceGraph(graph, content.data, { ...content, graph, baseIri: options.baseIri });
    res.status(!had && (await hasContent(ctx, graph)) ? 201 : 204).end();
  };
}

function merge(ctx: AppContext): RequestHandler {
  return async (req, res) => {
    const params = urlParams(req);
    const creating = createsGraph(params);
    const graph: GraphTerm = creating
      ? { termType: 'NamedNode', value: `${POSTED_GRAPH_BASE}${randomUUID()}` }
      : graphTarget(params);
    const options = contentOptions(ctx, req, graph);
    const content = await postedContent(ctx, req, options);
    const had = !creating && (await hasContent(ctx, graph));
    await ctx.store.load(content.data, { ...content, graph, baseIri: options.baseIri });
    const has = await hasContent(ctx, graph);
    if (creating && !has)
      throw new BadRequestError(
        'The body holds no triples, and a graph exists only with content: nothing was created.',
      );
    if (creating) res.location(graph.value);
    res.status(!had && has ? 201 : 204).end();
  };
}

/** A POST body: one RDF document, or a multipart form whose every file part is one. */
async function postedContent(ctx: AppContext, req: Request, options: ContentOptions): Promise<GraphContent> {
  const type = mediaTypeOf(req.get('content-type')) ?? '';
  if (type === MULTIPART) {
    const parts = await readMultipart(req, ctx.config.maxBodyBytes);
    if (parts.length === 0) throw new BadRequestError('The multipart/form-data body has no file part.');
    return partsContent(
      parts.map((part) => ({ text: part.text, mediaType: partMediaType(part) })),
      options,
    );
  }
  return graphContent(bodyText(req) ?? '', type, options);
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

/**
 * Whether the graph holds a triple. 201 answers a write that gave an empty graph its first content (GSP §5.3:
 * "if new RDF graph content is created"), including the default graph, which always exists but may be empty.
 */
async function hasContent(ctx: AppContext, graph: GraphTerm): Promise<boolean> {
  if (graph.termType === 'NamedNode') return ctx.store.hasGraph(graph);
  return askBoolean(ctx.store, 'ASK { ?s ?p ?o }');
}

function contentOptions(ctx: AppContext, req: Request, graph: GraphTerm): ContentOptions {
  return {
    baseIri: graph.termType === 'NamedNode' ? graph.value : requestUrl(ctx, req),
    maxChars: ctx.config.maxBodyBytes,
    ontologyDir: ctx.config.ontologyDir,
  };
}

/** The URL the client used (RFC 3986 §5.1.3: the base of a document it sends without one of its own). */
function requestUrl(ctx: AppContext, req: Request): string {
  const host = req.get('host') ?? `${ctx.config.host}:${ctx.config.port}`;
  return `${req.protocol}://${host}${req.originalUrl}`;
}
