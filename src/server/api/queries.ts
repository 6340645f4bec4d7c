import { type Request, type Response, Router } from 'express';
import { BadRequestError } from '../../errors.ts';
import {
  type CatalogEntry,
  type ParamValues,
  packageCatalog,
  runCatalogQuery,
  toCsv,
  toSparqlJson,
} from '../../query/index.ts';
import { checkWriteAccess } from '../auth.ts';
import { jsonBody } from '../body.ts';
import type { AppContext } from '../context.ts';
import { NotAcceptableError } from '../errors.ts';
import { negotiate } from '../negotiate.ts';

const SPARQL_JSON = 'application/sparql-results+json';
const OFFERS = [SPARQL_JSON, 'application/json', 'text/csv'] as const;
/** URL / body keys that are not query parameters. */
const RESERVED = new Set(['source', 'sources', 'format']);

/** What GET /api/v1/queries lists for each catalog entry (no SPARQL text, no file path). */
export function describeEntry(entry: CatalogEntry): Record<string, unknown> {
  return {
    name: entry.name,
    description: entry.description,
    phase: entry.phase,
    online: entry.online,
    federated: entry.federated,
    params: entry.params.map((p) => ({
      name: p.name,
      type: p.type,
      required: p.required,
      multiple: p.multiple,
      description: p.description,
    })),
    columns: entry.columns,
  };
}

/** GET /queries (the catalog) and GET|POST /queries/:name (run with typed parameters). */
export function createQueriesRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/queries', async (_req, res, next) => {
    try {
      const catalog = await packageCatalog();
      res.json({ queries: catalog.list().map(describeEntry) });
    } catch (error) {
      next(error);
    }
  });
  const run = async (req: Request, res: Response): Promise<void> => {
    const entry = (await packageCatalog()).get(String(req.params.name));
    const { values, sources, format } = requestInputs(req);
    // External sources make the server fetch URLs or read files: that needs write access (as SERVICE does).
    if (sources.length > 0) checkWriteAccess(ctx.config, req);
    const mediaType =
      format === 'csv' ? 'text/csv' : format === 'json' ? SPARQL_JSON : negotiate(req.get('accept'), OFFERS);
    if (!mediaType) throw new NotAcceptableError(`query ${entry.name}`, OFFERS);
    const result = await runCatalogQuery(ctx.store, entry, values, {
      sources,
      timeoutMs: ctx.config.queryTimeoutMs,
      ontologyDir: ctx.config.ontologyDir,
    });
    if (mediaType === 'text/csv') res.type('text/csv; charset=utf-8').send(toCsv(result));
    else res.type(`${SPARQL_JSON}; charset=utf-8`).send(JSON.stringify(toSparqlJson(result)));
  };
  const handle = (req: Request, res: Response, next: (error?: unknown) => void): void => {
    run(req, res).catch(next);
  };
  router.get('/queries/:name', handle);
  router.post('/queries/:name', jsonBody(ctx.config.maxBodyBytes), handle);
  return router;
}

function requestInputs(req: Request): { values: ParamValues; sources: string[]; format?: string } {
  const url = new URL(req.originalUrl, 'http://localhost').searchParams;
  const values: ParamValues = {};
  for (const key of new Set(url.keys())) {
    if (!RESERVED.has(key)) values[key] = url.getAll(key);
  }
  const sources = url.getAll('source');
  let format = url.get('format') ?? undefined;
  const body: unknown = req.body;
  if (
    body !== undefined &&
    typeof body === 'object' &&
    body !== null &&
    !Array.isArray(body) &&
    Object.keys(body).length > 0
  ) {
    const record = body as Record<string, unknown>;
    const params =
      typeof record.params === 'object' && record.params !== null
        ? (record.params as Record<string, unknown>)
        : record;
    for (const [key, value] of Object.entries(params)) {
      if (params === record && RESERVED.has(key)) continue;
      if (!isParamValue(value))
        throw new BadRequestError(`Parameter "${key}": give a string, number, boolean or an array of them.`);
      values[key] = value;
    }
    if (Array.isArray(record.sources)) sources.push(...record.sources.map(String));
    if (typeof record.format === 'string') format = record.format;
  } else if (typeof body === 'string' || Array.isArray(body)) {
    throw new BadRequestError('POST a JSON object: { "params": { "name": value, … }, "sources": [ … ] }.');
  }
  return { values, sources, ...(format ? { format } : {}) };
}

function isParamValue(value: unknown): value is ParamValues[string] {
  const scalar = (v: unknown): boolean => ['string', 'number', 'boolean'].includes(typeof v);
  return scalar(value) || (Array.isArray(value) && value.every(scalar));
}
