import { join } from 'node:path';
import { bindQuery, type ParamValues, packageCatalog } from '../../../src/query/index.ts';
import { type Dataset, ensureDataset } from '../generate/index.ts';
import type { BenchArgs } from './args.ts';
import { EngineHost, EngineTimeout } from './engine-host.ts';
import type { LoadReply, QueryEngineName, QueryReply } from './engine-protocol.ts';
import { perSize, progress } from './group.ts';
import { catalogParams } from './query-params.ts';
import { rdflibVersion, runRdflib } from './rdflib.ts';
import { errorText, ratio, round, type Summary, summarize } from './stats.ts';

export type FigureStatus = 'ok' | 'timeout' | 'error' | 'not installed' | 'skipped';

export interface EngineFigure extends Partial<Summary> {
  status: FigureStatus;
  rows?: number;
  detail?: string;
}

export interface QueryFigures {
  name: string;
  params: ParamValues;
  native: EngineFigure;
  comunica: EngineFigure;
  rdflib: EngineFigure;
  /** Median latency of the other engine ÷ Oxigraph native (higher = native faster). */
  comunicaRatio?: number;
  rdflibRatio?: number;
  rowsAgree: boolean;
}

export interface LoadFigure {
  seconds: number;
  quads: number;
  bytesPerTriple: number;
}

export interface QuerySizeResult {
  size: number;
  triples: number;
  load: { native: LoadFigure; rdflib?: LoadFigure };
  queries: QueryFigures[];
}

interface BoundQuery {
  name: string;
  params: ParamValues;
  query?: string;
  error?: string;
}

export const loadFigure = (reply: LoadReply): LoadFigure => ({
  seconds: round(reply.ms / 1000),
  quads: reply.quads,
  bytesPerTriple: round((reply.rssAfterBytes - reply.rssBeforeBytes) / Math.max(1, reply.quads)),
});

const loadTimeoutMs = (triples: number): number => 120_000 + triples * 0.3;
const dataFiles = (dataset: Dataset): string[] => [
  join(dataset.dir, dataset.manifest.quadsFile),
  join(dataset.dir, dataset.manifest.domainFile),
];

async function boundCatalog(dataset: Dataset): Promise<BoundQuery[]> {
  const catalog = await packageCatalog();
  return catalog.list().map((entry) => {
    let params: ParamValues = {};
    try {
      params = catalogParams(entry, dataset.manifest);
      return { name: entry.name, params, query: bindQuery(entry.query, entry.params, params) };
    } catch (error) {
      return { name: entry.name, params, error: errorText(error) };
    }
  });
}

function figure(reply: QueryReply): EngineFigure {
  if (reply.timedOut) return { status: 'timeout' };
  return { status: 'ok', ...summarize(reply.samples), rows: reply.rows };
}

/** Runs every query on one engine in a child process; a query over its budget kills the child, which is restarted. */
async function runEngine(
  engine: QueryEngineName,
  queries: BoundQuery[],
  files: string[],
  triples: number,
  args: BenchArgs,
): Promise<{ figures: Map<string, EngineFigure>; load?: LoadReply }> {
  const out = new Map<string, EngineFigure>();
  let host: EngineHost | undefined;
  let firstLoad: LoadReply | undefined;
  const budgetS = args.queryBudgetMs / 1000;
  try {
    for (const item of queries) {
      if (!item.query) {
        out.set(item.name, { status: 'error', detail: item.error });
        continue;
      }
      if (!host) {
        host = await EngineHost.start();
        const loaded = await host.load(files, loadTimeoutMs(triples));
        firstLoad ??= loaded;
      }
      try {
        const reply = await host.query(
          {
            engine,
            query: item.query,
            warmup: engine === 'native' ? 2 : 1,
            reps: engine === 'native' ? args.reps : Math.min(5, args.reps),
            budgetMs: args.queryBudgetMs,
          },
          2 * args.queryBudgetMs + 5_000,
        );
        out.set(item.name, {
          ...figure(reply),
          ...(reply.timedOut ? { detail: `no result within ${budgetS} s` } : {}),
        });
      } catch (error) {
        const timedOut = error instanceof EngineTimeout;
        out.set(
          item.name,
          timedOut
            ? { status: 'timeout', detail: `no result within ${budgetS} s` }
            : { status: 'error', detail: errorText(error) },
        );
        host.stop();
        host = undefined;
      }
      const got = out.get(item.name);
      progress(
        `${engine} ${item.name}: ${got?.status === 'ok' ? `median ${got.medianMs} ms, ${got.rows} rows` : `${got?.status} ${got?.detail ?? ''}`}`,
      );
    }
  } finally {
    host?.stop();
  }
  return { figures: out, ...(firstLoad ? { load: firstLoad } : {}) };
}

async function runRdflibEngine(
  queries: BoundQuery[],
  files: string[],
  triples: number,
  args: BenchArgs,
  notes: string[],
): Promise<{ figures: Map<string, EngineFigure>; load?: LoadFigure }> {
  const figures = new Map<string, EngineFigure>();
  const all = (f: EngineFigure) => {
    for (const item of queries) figures.set(item.name, f);
    return { figures };
  };
  const version = await rdflibVersion();
  if (!version)
    return all({
      status: 'not installed',
      detail: 'python3-rdflib not importable by /usr/bin/python3 (apt-get install python3-rdflib)',
    });
  if (triples > args.rdflibMaxTriples)
    return all({ status: 'skipped', detail: `over --rdflib-max ${args.rdflibMaxTriples} triples` });
  const runnable = queries
    .filter((item) => item.query !== undefined)
    .map((item) => ({ name: item.name, query: item.query ?? '' }));
  const reps = Math.min(5, args.reps);
  try {
    const run = await runRdflib(
      { files, queries: runnable, warmup: 1, reps, budgetMs: args.queryBudgetMs },
      loadTimeoutMs(triples) * 20 + runnable.length * 2.5 * args.queryBudgetMs,
    );
    if (!notes.some((note) => note.startsWith('rdflib')))
      notes.push(
        `rdflib ${run.version} (Debian python3-rdflib), ConjunctiveGraph, default graph = union of graphs`,
      );
    for (const item of queries) {
      const reply = run.queries[item.name];
      if (!reply) figures.set(item.name, { status: 'error', detail: item.error ?? 'not run' });
      else if ('error' in reply)
        figures.set(item.name, { status: 'error', detail: rdflibError(reply.error) });
      else
        figures.set(item.name, {
          ...figure(reply),
          ...(reply.timedOut ? { detail: `no result within ${args.queryBudgetMs / 1000} s` } : {}),
        });
    }
    return { figures, load: loadFigure(run.load) };
  } catch (error) {
    return all({ status: 'error', detail: errorText(error) });
  }
}

/** rdflib 6.1's message for EXISTS inside an expression (BIND(IF(EXISTS …))) is an internal dump: name it. */
function rdflibError(message: string): string {
  if (message.includes('What do I do with this CompValue'))
    return 'unsupported by this rdflib: EXISTS inside an expression (BIND(IF(EXISTS {…})))';
  return message;
}

function sizeResult(
  queries: BoundQuery[],
  engines: {
    native: Map<string, EngineFigure>;
    comunica: Map<string, EngineFigure>;
    rdflib: Map<string, EngineFigure>;
  },
): QueryFigures[] {
  return queries.map((item) => {
    const native = engines.native.get(item.name) ?? { status: 'error' as const };
    const comunica = engines.comunica.get(item.name) ?? { status: 'error' as const };
    const rdflib = engines.rdflib.get(item.name) ?? { status: 'error' as const };
    const rows = [native, comunica, rdflib].filter((f) => f.status === 'ok').map((f) => f.rows);
    const out: QueryFigures = {
      name: item.name,
      params: item.params,
      native,
      comunica,
      rdflib,
      rowsAgree: new Set(rows).size <= 1,
    };
    if (native.status === 'ok' && comunica.status === 'ok')
      out.comunicaRatio = ratio(comunica.medianMs ?? Number.NaN, native.medianMs ?? Number.NaN);
    if (native.status === 'ok' && rdflib.status === 'ok')
      out.rdflibRatio = ratio(rdflib.medianMs ?? Number.NaN, native.medianMs ?? Number.NaN);
    return out;
  });
}

/** Group 3: every catalog query at each size on Oxigraph native, Comunica over the same store, and rdflib. */
export async function queryGroup(
  args: BenchArgs,
  notes: string[],
): Promise<Array<QuerySizeResult | { size: number; error: string }>> {
  notes.push(
    `median and p95 (nearest rank) over up to ${args.reps} runs (native, after 2 warm-ups) or 5 runs (Comunica, rdflib, after 1 warm-up); each engine stops repeating a query after ${args.queryBudgetMs / 1000} s, and a first run longer than that is reported as a timeout`,
  );
  notes.push(
    'Comunica runs through provml federation (src/query federatedSelect) with the store as its one source: each triple pattern is a SELECT on the same Oxigraph store',
  );
  return perSize(args.sizes, async (size) => {
    const dataset = ensureDataset({ target: size, seed: args.seed, cacheDir: args.cacheDir });
    const triples = dataset.manifest.triples;
    const files = dataFiles(dataset);
    const queries = await boundCatalog(dataset);
    progress(`queries at ${triples} triples: ${queries.length} catalog queries`);
    const native = await runEngine('native', queries, files, triples, args);
    const comunica = await runEngine('comunica', queries, files, triples, args);
    const rdflib = await runRdflibEngine(queries, files, triples, args, notes);
    const figures = sizeResult(queries, {
      native: native.figures,
      comunica: comunica.figures,
      rdflib: rdflib.figures,
    });
    for (const item of figures) {
      if (!item.rowsAgree)
        notes.push(
          `${item.name} at ${triples} triples: engines returned different row counts (native ${item.native.rows}, Comunica ${item.comunica.rows}, rdflib ${item.rdflib.rows})`,
        );
    }
    if (!native.load) throw new Error('the native engine never loaded the data');
    return {
      size,
      triples,
      load: { native: loadFigure(native.load), ...(rdflib.load ? { rdflib: rdflib.load } : {}) },
      queries: figures,
    };
  });
}
