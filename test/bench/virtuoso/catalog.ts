import { QueryTimeoutError } from '../../../src/errors.ts';
import {
  type CatalogEntry,
  loadCatalog,
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

/** The catalog's local queries (of the package, or of `dir`), optionally only those named, with parameters. */
export async function boundCatalog(
  manifest: DatasetManifest,
  select: { dir?: string; only?: readonly string[] } = {},
): Promise<BoundEntry[]> {
  const catalog = select.dir ? await loadCatalog(select.dir) : await packageCatalog();
  const only = select.only && select.only.length > 0 ? new Set(select.only) : undefined;
  const entries = catalog.list().filter((entry) => !entry.federated && (!only || only.has(entry.name)));
  return entries.map((entry) => {
    try {
      return { entry, params: catalogParams(entry, manifest) };
    } catch (error) {
      return { entry, params: {}, error: errorText(error) };
    }
  });
}

const isTimeout = (error: unknown): boolean =>
  error instanceof QueryTimeoutError || /timed? ?out|timeout|exceeded/i.test(errorText(error));

/** Runs one catalog query on one backend, resolving to its number of result rows. */
export type QueryRunner = (item: BoundEntry, budgetMs: number) => Promise<number>;

/** Through the store facade, as the server runs it (in process for the embedded store, HTTP for Virtuoso). */
export const facadeRunner =
  (store: ProvStore): QueryRunner =>
  async (item, budgetMs) =>
    (await runCatalogQuery(store, item.entry, item.params, { timeoutMs: budgetMs })).rows.length;

/** Over HTTP through a provml server's catalog route (GET /api/v1/queries/:name), SPARQL JSON results parsed. */
export const httpRunner =
  (baseUrl: string): QueryRunner =>
  async (item, budgetMs) => {
    const url = new URL(`${baseUrl}/api/v1/queries/${encodeURIComponent(item.entry.name)}`);
    for (const [name, value] of Object.entries(item.params)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(one));
    }
    const res = await fetch(url, {
      headers: { accept: 'application/sparql-results+json' },
      signal: AbortSignal.timeout(budgetMs),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
    return (JSON.parse(text) as { results: { bindings: unknown[] } }).results.bindings.length;
  };

async function timedRun(run: QueryRunner, item: BoundEntry, budgetMs: number) {
  const started = performance.now();
  const rows = await run(item, budgetMs);
  return { ms: performance.now() - started, rows };
}

/** One warm-up run, then up to `reps` measured runs; a run over the budget is a timeout (not a failure). */
export async function runQuery(
  store: ProvStore,
  item: BoundEntry,
  settings: RunSettings,
): Promise<QueryFigure> {
  return runQueryWith(facadeRunner(store), item, settings);
}

async function runQueryWith(run: QueryRunner, item: BoundEntry, settings: RunSettings): Promise<QueryFigure> {
  if (item.error) return { status: 'error', detail: item.error };
  const budgetS = settings.budgetMs / 1000;
  const started = performance.now();
  let warmup: { ms: number; rows: number };
  try {
    warmup = await timedRun(run, item, settings.budgetMs);
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
      const sample = await timedRun(run, item, settings.budgetMs);
      samples.push(sample.ms);
      rows = sample.rows;
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

interface Lane {
  label: string;
  run: QueryRunner;
  samples: number[];
  rows?: number;
  warmup?: { ms: number; rows: number };
  failed?: QueryFigure;
}

/**
 * Every query on every backend, interleaved so that a busy machine's noise hits all of them alike: per query,
 * one warm-up on each backend, then `reps` rounds of one run on each, the order reversed every round. A
 * backend that times out or fails drops out of that query; the rounds stop once the budget is spent.
 */
export async function runCatalogInterleaved(
  backends: ReadonlyArray<{ label: string; run: QueryRunner }>,
  queries: BoundEntry[],
  settings: RunSettings,
): Promise<Map<string, Map<string, QueryFigure>>> {
  const figures = new Map(backends.map((b) => [b.label, new Map<string, QueryFigure>()]));
  const budgetS = settings.budgetMs / 1000;
  for (const item of queries) {
    const lanes: Lane[] = backends.map((b) => ({ label: b.label, run: b.run, samples: [] }));
    const attempt = async (lane: Lane, warmup: boolean): Promise<void> => {
      try {
        const sample = await timedRun(lane.run, item, settings.budgetMs);
        if (warmup) lane.warmup = sample;
        else {
          lane.samples.push(sample.ms);
          lane.rows = sample.rows;
        }
      } catch (error) {
        lane.failed = isTimeout(error)
          ? {
              status: 'timeout',
              detail: `no result within ${budgetS} s${warmup ? '' : ' after the warm-up'}`,
            }
          : { status: 'error', detail: errorText(error) };
      }
    };
    if (item.error) for (const lane of lanes) lane.failed = { status: 'error', detail: item.error };
    const started = performance.now();
    for (const lane of lanes) if (!lane.failed) await attempt(lane, true);
    for (let round = 0; round < settings.reps; round++) {
      if (round > 0 && performance.now() - started > settings.budgetMs * lanes.length) break;
      const order = round % 2 === 0 ? lanes : [...lanes].reverse();
      for (const lane of order) if (!lane.failed) await attempt(lane, false);
    }
    for (const lane of lanes) {
      const figure: QueryFigure = lane.failed
        ? lane.samples.length > 0
          ? { status: 'ok', ...summarize(lane.samples), rows: lane.rows, detail: lane.failed.detail }
          : lane.failed
        : {
            status: 'ok',
            ...summarize(lane.samples),
            rows: lane.rows,
            warmupMs: Math.round(lane.warmup?.ms ?? 0),
          };
      if (lane.warmup && lane.rows !== undefined && lane.warmup.rows !== lane.rows)
        figure.detail = `warm-up returned ${lane.warmup.rows} rows, the measured runs ${lane.rows}`;
      figures.get(lane.label)?.set(item.entry.name, figure);
    }
    settings.progress?.(
      `${item.entry.name}: ${lanes
        .map((lane) => {
          const f = figures.get(lane.label)?.get(item.entry.name);
          return `${lane.label} ${f?.status === 'ok' ? `${f.medianMs} ms (${f.rows} rows)` : f?.status}`;
        })
        .join(' · ')}`,
    );
  }
  return figures;
}
