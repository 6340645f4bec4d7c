import { QueryTimeoutError } from '../../../src/errors.ts';
import {
  type CatalogEntry,
  type ParamValues,
  packageCatalog,
  runCatalogQuery,
} from '../../../src/query/index.ts';
import type { ProvStore } from '../../../src/store/index.ts';
import type { DatasetManifest } from '../generate/index.ts';
import { catalogParams } from '../suite/query-params.ts';
import { errorText, type Summary, summarize } from '../suite/stats.ts';

// Every catalog query, with the benchmark suite's parameters, through the store facade exactly as the server
// runs it (runCatalogQuery: bindQuery, then selectRows with unionDefaultGraph and a time limit).

export interface BoundEntry {
  entry: CatalogEntry;
  params: ParamValues;
  error?: string;
}

export interface QueryFigure extends Partial<Summary> {
  status: 'ok' | 'timeout' | 'error';
  rows?: number;
  /** The single warm-up run (ms). */
  warmupMs?: number;
  detail?: string;
}

export interface RunSettings {
  /** Measured runs after one warm-up (fewer once the budget is spent). */
  reps: number;
  /** Time limit of one run, and the time after which a query stops being repeated. */
  budgetMs: number;
  progress?: (line: string) => void;
}

export async function boundCatalog(manifest: DatasetManifest): Promise<BoundEntry[]> {
  const catalog = await packageCatalog();
  return catalog.list().map((entry) => {
    try {
      return { entry, params: catalogParams(entry, manifest) };
    } catch (error) {
      return { entry, params: {}, error: errorText(error) };
    }
  });
}

const isTimeout = (error: unknown): boolean =>
  error instanceof QueryTimeoutError || /timed? ?out|timeout|exceeded/i.test(errorText(error));

async function timedRun(store: ProvStore, item: BoundEntry, budgetMs: number) {
  const started = performance.now();
  const result = await runCatalogQuery(store, item.entry, item.params, { timeoutMs: budgetMs });
  return { ms: performance.now() - started, rows: result.rows.length };
}

/** One warm-up run, then up to `reps` measured runs; a run over the budget is a timeout (not a failure). */
export async function runQuery(
  store: ProvStore,
  item: BoundEntry,
  settings: RunSettings,
): Promise<QueryFigure> {
  if (item.error) return { status: 'error', detail: item.error };
  const budgetS = settings.budgetMs / 1000;
  const started = performance.now();
  let warmup: { ms: number; rows: number };
  try {
    warmup = await timedRun(store, item, settings.budgetMs);
  } catch (error) {
    return isTimeout(error)
      ? { status: 'timeout', detail: `no result within ${budgetS} s` }
      : { status: 'error', detail: errorText(error) };
  }
  const samples: number[] = [];
  let rows = warmup.rows;
  for (let i = 0; i < settings.reps; i++) {
    if (samples.length > 0 && performance.now() - started > settings.budgetMs) break;
    try {
      const run = await timedRun(store, item, settings.budgetMs);
      samples.push(run.ms);
      rows = run.rows;
    } catch (error) {
      if (!isTimeout(error)) return { status: 'error', detail: errorText(error) };
      if (samples.length === 0)
        return { status: 'timeout', detail: `warm-up answered, then no result within ${budgetS} s` };
      break;
    }
  }
  const figure: QueryFigure = { status: 'ok', ...summarize(samples), rows, warmupMs: Math.round(warmup.ms) };
  if (warmup.rows !== rows) figure.detail = `warm-up returned ${warmup.rows} rows, the measured runs ${rows}`;
  return figure;
}

export async function runCatalog(
  backend: string,
  store: ProvStore,
  queries: BoundEntry[],
  settings: RunSettings,
): Promise<Map<string, QueryFigure>> {
  const figures = new Map<string, QueryFigure>();
  for (const item of queries) {
    const figure = await runQuery(store, item, settings);
    figures.set(item.entry.name, figure);
    settings.progress?.(
      `${backend} ${item.entry.name}: ${
        figure.status === 'ok'
          ? `median ${figure.medianMs} ms, p95 ${figure.p95Ms} ms, ${figure.rows} rows`
          : `${figure.status} ${figure.detail ?? ''}`
      }`,
    );
  }
  return figures;
}
