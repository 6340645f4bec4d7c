import { Router } from 'express';
import { BadRequestError } from '../../errors.ts';
import {
  bindQuery,
  type CatalogEntry,
  packageCatalog,
  pageQuery,
  runCatalogQuery,
} from '../../query/index.ts';
import type { SelectResult } from '../../store/index.ts';
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

/**
 * GET /runs?offset&limit&sort&order=asc|desc&experiment&status&text: one page of the workflow executions
 * (catalog query `runs`, ordered on its parse, paged here), each with its hyperparameters and final metrics
 * (catalog query `run-values`, for the page's runs only), and the total count.
 */
export function createRunsRouter(ctx: AppContext): Router {
  const router = Router();
  router.get('/runs', async (req, res, next) => {
    try {
      const url = urlParams(req);
      const catalog = await packageCatalog();
      const entry = catalog.get('runs');
      const values = Object.fromEntries(
        Object.entries(FILTERS)
          .map(([key, param]) => [param, url.get(key) || undefined] as const)
          .filter(([, value]) => value !== undefined),
      );
      const offset = integer(url.get('offset'), 0, 'offset');
      const limit = Math.min(integer(url.get('limit'), 50, 'limit'), MAX_LIMIT);
      const sort = url.get('sort') || undefined;
      const order = url.get('order') ?? 'asc';
      if (order !== 'asc' && order !== 'desc') throw new BadRequestError('order must be asc or desc.');
      const bound = bindQuery(entry.query, entry.params, values);
      const options = { unionDefaultGraph: true, timeoutMs: ctx.config.queryTimeoutMs };
      const ordering = { sortBy: sort, descending: order === 'desc' };
      let page: SelectResult;
      let total: number;
      if (Object.keys(values).length === 0) {
        // Unfiltered (the first page anyone sees): the engine sorts and slices, and the total is a plain count.
        const [sliced, counted] = await Promise.all([
          ctx.store.select(pageQuery(bound, { ...ordering, offset, limit }), options),
          runCatalogQuery(ctx.store, catalog.get('run-count'), {}, { timeoutMs: ctx.config.queryTimeoutMs }),
        ]);
        page = sliced;
        total = Number(counted.rows[0]?.count?.value ?? 0);
      } else {
        // Filtered: one evaluation gives both the page and the total (a COUNT would evaluate the filters again).
        const all = await ctx.store.select(pageQuery(bound, ordering), options);
        page = { variables: all.variables, rows: all.rows.slice(offset, offset + limit) };
        total = all.rows.length;
      }
      const runs = await withValues(ctx, catalog.get('run-values'), page);
      res.set('Cache-Control', 'no-cache');
      res.json({
        total,
        offset,
        limit,
        columns: entry.columns.map((column) => column.name),
        runs,
      });
    } catch (error) {
      next(error);
    }
  });
  return router;
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
