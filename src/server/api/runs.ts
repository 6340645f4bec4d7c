import { Router } from 'express';
import { BadRequestError } from '../../errors.ts';
import {
  bindQuery,
  type Catalog,
  type CatalogEntry,
  packageCatalog,
  pageQuery,
  runCatalogQuery,
} from '../../query/index.ts';
import type { SelectResult } from '../../store/index.ts';
import { selectRows } from '../../store/index.ts';
import { urlParams } from '../body.ts';
import type { AppContext } from '../context.ts';

const MAX_LIMIT = 500;
/** URL filter name → parameter of the runs catalog query. */
const FILTERS = { experiment: 'inExperiment', status: 'withStatus', text: 'text' } as const;

export interface RunRow {
  [column: string]: string | Record<string, string> | undefined;
  hyperparameters: Record<string, string>;
  metrics: Record<string, string>;
}

interface PageRequest {
  filters: Record<string, string>;
  sortBy: string | undefined;
  descending: boolean;
  offset: number;
  limit: number;
}

interface Page {
  result: SelectResult;
  total: number;
}

/**
 * GET /runs?offset&limit&sort&order=asc|desc&experiment&status&text: one page of the workflow executions
 * (the rows of catalog query `runs`, ordered on its parse, paged here), each with its hyperparameters and final
 * metrics (catalog query `run-values`, for the page's runs only), and the total count.
 */
export function createRunsRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/runs', async (req, res, next) => {
    try {
      const url = urlParams(req);
      const catalog = await packageCatalog();
      const order = url.get('order') ?? 'asc';
      if (order !== 'asc' && order !== 'desc') throw new BadRequestError('order must be asc or desc.');
      const request: PageRequest = {
        filters: Object.fromEntries(
          Object.entries(FILTERS).flatMap(([key, param]) => {
            const value = url.get(key);
            return value ? [[param, value]] : [];
          }),
        ),
        sortBy: url.get('sort') || undefined,
        descending: order === 'desc',
        offset: integer(url.get('offset'), 0, 'offset'),
        limit: Math.min(integer(url.get('limit'), 50, 'limit'), MAX_LIMIT),
      };
      const page = fitsLightOrder(catalog, request)
        ? await lightPage(ctx, catalog, request)
        : await fullPage(ctx, catalog, request);
      const runs = await withValues(ctx, catalog.get('run-values'), page.result);
      res.set('Cache-Control', 'no-cache');
      res.json({
        total: page.total,
        offset: request.offset,
        limit: request.limit,
        columns: catalog.get('runs').columns.map((column) => column.name),
        runs,
      });
    } catch (error) {
      next(error);
    }
  });
  return router;
}

/** `run-order` has the sort column and every filter asked for (it has no text filter). */
function fitsLightOrder(catalog: Catalog, request: PageRequest): boolean {
  const light = catalog.get('run-order');
  const has = (name: string, list: Array<{ name: string }>): boolean =>
    list.some((item) => item.name === name);
  return (
    (request.sortBy === undefined || has(request.sortBy, light.columns)) &&
    Object.keys(request.filters).every((param) => has(param, light.params))
  );
}

const queryOptions = (ctx: AppContext) => ({ unionDefaultGraph: true, timeoutMs: ctx.config.queryTimeoutMs });

/** One page of a bound query and its total: sliced by the engine when unfiltered, else here. */
async function pageOf(ctx: AppContext, catalog: Catalog, bound: string, request: PageRequest): Promise<Page> {
  const ordering = { sortBy: request.sortBy, descending: request.descending };
  if (Object.keys(request.filters).length === 0) {
    // Unfiltered (the first page anyone sees): the engine sorts and slices, and the total is a plain count.
    const [result, counted] = await Promise.all([
      selectRows(
        ctx.store,
        pageQuery(bound, { ...ordering, offset: request.offset, limit: request.limit }),
        queryOptions(ctx),
      ),
      runCatalogQuery(ctx.store, catalog.get('run-count'), {}, { timeoutMs: ctx.config.queryTimeoutMs }),
    ]);
    return { result, total: Number(counted.rows[0]?.count?.value ?? 0) };
  }
  // Filtered: one evaluation gives both the page and the total (a COUNT would evaluate the filters again).
  const all = await selectRows(ctx.store, pageQuery(bound, ordering), queryOptions(ctx));
  const rows = all.rows.slice(request.offset, request.offset + request.limit);
  return { result: { variables: all.variables, rows }, total: all.rows.length };
}

/** The page of the query `runs` itself: evaluated over every run (a sort or filter run-order lacks). */
function fullPage(ctx: AppContext, catalog: Catalog, request: PageRequest): Promise<Page> {
  const entry = catalog.get('runs');
  return pageOf(ctx, catalog, bindQuery(entry.query, entry.params, request.filters), request);
}

/**
 * The same page, found on the light query `run-order` (execution and sort keys only), then described by
 * `run-details` for the page's executions only, bound as terms: 10,000 runs cost one light evaluation.
 */
async function lightPage(ctx: AppContext, catalog: Catalog, request: PageRequest): Promise<Page> {
  const entry = catalog.get('run-order');
  const keys = await pageOf(ctx, catalog, bindQuery(entry.query, entry.params, request.filters), request);
  const executions = keys.result.rows.flatMap((row) => (row.execution ? [row.execution.value] : []));
  if (executions.length === 0) return keys;
  const details = await runCatalogQuery(
    ctx.store,
    catalog.get('run-details'),
    { execution: executions },
    { timeoutMs: ctx.config.queryTimeoutMs },
  );
  const byExecution = new Map(details.rows.map((row) => [row.execution?.value, row]));
  // In run-order's order; a run described by neither (removed in between) keeps its keys.
  const rows = keys.result.rows.map((row) => byExecution.get(row.execution?.value) ?? row);
  return { result: { variables: details.variables, rows }, total: keys.total };
}

async function withValues(ctx: AppContext, entry: CatalogEntry, page: SelectResult): Promise<RunRow[]> {
  const runs: RunRow[] = page.rows.map((row) => ({
    ...Object.fromEntries(page.variables.map((name) => [name, row[name]?.value])),
    hyperparameters: {},
    metrics: {},
  }));
  const executions = runs.map((run) => run.execution).filter((value) => typeof value === 'string');
  if (executions.length === 0) return runs;
  const values = await runCatalogQuery(
    ctx.store,
    entry,
    { execution: executions },
    {
      timeoutMs: ctx.config.queryTimeoutMs,
    },
  );
  const byExecution = new Map(runs.map((run) => [run.execution, run]));
  for (const row of values.rows) {
    const run = byExecution.get(row.execution?.value);
    const name = row.name?.value;
    if (!run || !name) continue;
    if (row.kind?.value === 'hyperparameter') run.hyperparameters[name] = row.value?.value ?? '';
    else run.metrics[row.stage ? `${name} (${row.stage.value})` : name] = row.value?.value ?? '';
  }
  return runs;
}

function integer(text: string | null, fallback: number, name: string): number {
  if (text === null || text === '') return fallback;
  if (!/^\d+$/.test(text)) throw new BadRequestError(`${name} must be a non-negative integer.`);
  return Number(text);
}
