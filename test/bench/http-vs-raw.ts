// End to end over HTTP next to a raw Oxigraph query() on the same data, for every local catalog query
// (queries/*.rq and queries/web/*.rq; not the federated ones). Not part of `npm test`.
//
//   node --import tsx test/bench/http-vs-raw.ts [--size 1e6] [--reps 7] [--warmup 10] [--budget-s 30]
//        [--only a,b] [--out test/bench/results/http-vs-raw-<size>.json]
//
// Set-up: the generated data set (test/bench/generate, seeded, cached in .tmp/bench/data/) is loaded into
// the durable embedded store that `provml serve` opens (openDurableStore, N-Quads pieces of 32 MiB through
// store.load), the online state is built once as capture keeps it (refreshOnlineState), and the store is
// closed and opened again, as a server starting on that directory opens it: close() waits for any snapshot
// and writes the last one, so no snapshot or log replay runs while queries are timed. provml's app
// (createApp) then serves it on 127.0.0.1. The raw store is an Oxigraph store on this thread built the way the
// worker's was (the files, the online state, reloaded from its native dump); both hold the same quads (checked).
//
// Per query, parameters from the suite's catalogParams, bound by the catalog's own binder (bindQuery, as
// runCatalogQuery binds them); that text is what the engine receives (the store runs the client's text).
//   raw      Oxigraph's store.query(text, { results_format: SPARQL JSON, use_default_graph_as_union: true })
//            on this thread, through OxigraphEngine.query (src/store/engine.ts), the one class that calls
//            Oxigraph and the very call the durable store's worker makes: same text, same options.
//   catalog  GET /api/v1/queries/NAME?params, Accept: SPARQL JSON, body read whole by fetch.
//   sparql   POST /sparql with the bound text (application/sparql-query), Accept: SPARQL JSON.
// The durable store runs the engine in a worker thread (src/store/durable/worker-host.ts), so both HTTP lanes
// include the thread hop and the structured clone of the answer, part of provml's cost; the catalog lane also
// includes the engine's JSON parsed into terms and written again (runCatalogQuery, serializeSolutions). The
// HTTP client (fetch) runs in this process too, so its reading of the body is in the HTTP figures.
// First --warmup rounds of every query on every lane, untimed (warmUp in http-vs-raw/lanes.ts: a process
// serves its first requests slowly, and without this the first query in the list paid it; the time of each
// warm-up round is written to the JSON, so that start-up cost is shown, apart from the per-request figures).
// Then per query one warm-up per lane (the catalog lane first), then --reps rounds of one run per lane, the
// order reversed every round; medians and p95 (nearest rank). Times end when the body is a complete string;
// rows are counted (JSON.parse) afterwards, untimed, and must agree across lanes.
// Goals (provml issue 14): HTTP ≤ 1.3× raw for every query of ≥ 10 ms raw; per result row ≤ 5 µs over raw
// ((http − raw) / rows, meaningful only for queries with many rows).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { bindQuery } from '../../src/query/index.ts';
import type { NamedNodeTerm } from '../../src/rdf/index.ts';
import { createApp } from '../../src/server/app.ts';
import { OxigraphEngine } from '../../src/store/engine.ts';
import { openDurableStore, refreshOnlineState } from '../../src/store/index.ts';
import { ONLINE_STATE_GRAPH } from '../../src/vocab.ts';
import { listenOnLoopback } from '../support/listen.ts';
import { ensureDataset, REPO_ROOT } from './generate/index.ts';
import {
  catalogLane,
  engineQuery,
  type LaneFigure,
  type LaneName,
  type PreparedItem,
  rawLane,
  runInterleaved,
  sparqlLane,
  type WarmUpFigures,
  warmUp,
} from './http-vs-raw/lanes.ts';
import { measuredCommit } from './suite/commit.ts';
import { benchMachine } from './suite/machine.ts';
import { nquadChunks } from './suite/nquads.ts';
import { table } from './suite/report.ts';
import { errorText, ratio, round } from './suite/stats.ts';
import { boundCatalog } from './virtuoso/catalog.ts';

const { values: args } = parseArgs({
  options: {
    size: { type: 'string', default: '1e6' },
    reps: { type: 'string', default: '7' },
    warmup: { type: 'string', default: '10' },
    'budget-s': { type: 'string', default: '30' },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});
const size = Math.round(Number(args.size));
const reps = Number(args.reps);
const warmupRounds = Number(args.warmup);
const budgetMs = Number(args['budget-s']) * 1000;
if (!(size >= 1000) || !(reps >= 1) || !(warmupRounds >= 0) || !(budgetMs > 0))
  throw new Error('--size (≥ 1000), --reps (≥ 1), --warmup (≥ 0) and --budget-s (> 0) must be numbers');
const outFile = args.out ?? `test/bench/results/http-vs-raw-${size}.json`;
const commit = measuredCommit(); // at the start: the tree may change while this runs
const load = (): string =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const started = performance.now();
const log = (line: string): void => {
  process.stderr.write(`[${((performance.now() - started) / 1000).toFixed(0)} s] ${line}\n`);
};
const loadAtStart = load();

const dataset = ensureDataset({ target: size });
const { manifest } = dataset;
const files = [join(dataset.dir, manifest.quadsFile), join(dataset.dir, manifest.domainFile)];
const dir = join(REPO_ROOT, '.tmp', 'bench', 'work', `http-vs-raw-${process.pid}`);
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const openStore = () => openDurableStore({ dir, logger: silentLogger(), queryTimeoutMs: budgetMs });

log(`loading ${manifest.triples + manifest.domainTriples} quads into a durable store; load ${load()}`);
const loading = await openStore();
for (const file of files)
  for (const chunk of nquadChunks(file)) await loading.load(chunk, { format: 'application/n-quads' });
await refreshOnlineState(loading);
await loading.close();
const store = await openStore();
const quads = (await store.stats()).quads;

log(`building an Oxigraph store on this thread with the same ${quads} quads`);
// As the worker's engine came to be: the files in the order the store was given them, the online state, then
// reloaded from its own native dump (what a snapshot holds and the worker read back on opening). The order
// quads arrive in shapes the engine's memory: loaded from the store's dump pages instead, some queries ran
// up to 2× slower here than in the worker, which would flatter provml.
const staging = new OxigraphEngine();
for (const file of files) staging.loadNQuads(nquadChunks(file));
const state: NamedNodeTerm = { termType: 'NamedNode', value: ONLINE_STATE_GRAPH };
for await (const page of store.dump({ format: 'application/n-triples', graph: state }))
  staging.apply({ op: 'load', data: page, format: 'application/n-triples', graph: state });
const raw = new OxigraphEngine();
raw.loadNQuads(staging.snapshotPages());
if (raw.size !== quads) throw new Error(`raw store holds ${raw.size} quads, the durable store ${quads}`);

const app = createApp({
  store,
  config: { ...defaultConfig(), dataDir: dir, logLevel: 'silent', queryTimeoutMs: budgetMs },
  logger: silentLogger(),
});
const server = await listenOnLoopback(app);

const only = args.only ? args.only.split(',') : undefined;
const items: PreparedItem[] = (await boundCatalog(manifest, { only })).map((item) => {
  if (item.error) return { ...item, text: '' };
  try {
    const text = bindQuery(item.entry.query, item.entry.params, item.params);
    return { ...item, text, query: engineQuery(text) };
  } catch (error) {
    return { ...item, text: '', error: errorText(error) };
  }
});

interface Compared {
  name: string;
  params: PreparedItem['params'];
  lanes: Partial<Record<LaneName, LaneFigure>>;
  rowsAgree: boolean;
  catalogRatio?: number;
  sparqlRatio?: number;
  /** (catalog − raw) / rows, µs. */
  catalogUsPerRow?: number;
  sparqlUsPerRow?: number;
  detail?: string;
}

const lanes = [
  { name: 'catalog' as const, run: catalogLane(server.url) },
  { name: 'raw' as const, run: rawLane(raw) },
  { name: 'sparql' as const, run: sparqlLane(server.url) },
];
const perRowUs = (http?: number, rawMs?: number, rows?: number): number | undefined =>
  http !== undefined && rawMs !== undefined && rows ? round(((http - rawMs) * 1000) / rows) : undefined;

const compared: Compared[] = [];
let warmUpMs: WarmUpFigures | undefined;
try {
  log(`${warmupRounds} warm-up rounds of ${items.length} catalog queries; load ${load()}`);
  warmUpMs = await warmUp(lanes, items, warmupRounds, budgetMs);
  for (const [lane, perRound] of Object.entries(warmUpMs))
    log(`warm-up ${lane}: ${perRound.join(', ')} ms per round`);
  log(`${items.length} catalog queries, ${reps} rounds each; load ${load()}`);
  for (const item of items) {
    if (item.error) {
      compared.push({
        name: item.entry.name,
        params: item.params,
        lanes: {},
        rowsAgree: true,
        detail: item.error,
      });
      log(`${item.entry.name}: not run (${item.error})`);
      continue;
    }
    const figures = await runInterleaved(lanes, item, reps, budgetMs);
    const rowCounts = new Set(Object.values(figures).flatMap((f) => (f.status === 'ok' ? [f.rows] : [])));
    const r = figures.raw;
    const c = figures.catalog;
    const s = figures.sparql;
    const entry: Compared = {
      name: item.entry.name,
      params: item.params,
      lanes: figures,
      rowsAgree: rowCounts.size <= 1,
      catalogRatio: ratio(c.medianMs ?? Number.NaN, r.medianMs ?? Number.NaN),
      sparqlRatio: ratio(s.medianMs ?? Number.NaN, r.medianMs ?? Number.NaN),
      catalogUsPerRow: perRowUs(c.medianMs, r.medianMs, r.rows),
      sparqlUsPerRow: perRowUs(s.medianMs, r.medianMs, r.rows),
    };
    compared.push(entry);
    log(
      `${entry.name}: raw ${r.medianMs ?? r.status} ms, catalog ${c.medianMs ?? c.status} ms, sparql ${s.medianMs ?? s.status} ms, ${r.rows ?? '?'} rows${entry.rowsAgree ? '' : ' (ROW COUNTS DIFFER)'}`,
    );
  }
} finally {
  await server.close();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}

const loadAtEnd = load();
const wallSeconds = Math.round((performance.now() - started) / 1000);
const ms = (figure?: LaneFigure): number | string | undefined =>
  figure?.status === 'ok' ? figure.medianMs : figure?.status;
const GOAL_RATIO = 1.3;
const GOAL_MIN_RAW_MS = 10;
const GOAL_US_PER_ROW = 5;
const MANY_ROWS = 1000;
const verdict = (item: Compared): string => {
  const rawMs = item.lanes.raw?.medianMs;
  if (rawMs === undefined || item.catalogRatio === undefined) return '–';
  if (rawMs < GOAL_MIN_RAW_MS) return 'under 10 ms raw';
  return Math.max(item.catalogRatio, item.sparqlRatio ?? 0) <= GOAL_RATIO ? 'met' : 'MISSED';
};
console.log(
  table(
    [
      'query',
      'rows',
      'raw ms',
      'catalog ms',
      '/sparql ms',
      'catalog ÷ raw',
      '/sparql ÷ raw',
      'catalog µs/row',
      '/sparql µs/row',
      `≤ ${GOAL_RATIO}×`,
    ],
    compared.map((item) => [
      item.rowsAgree ? item.name : `${item.name} (rows differ)`,
      item.lanes.raw?.rows,
      ms(item.lanes.raw) ?? item.detail,
      ms(item.lanes.catalog),
      ms(item.lanes.sparql),
      item.catalogRatio,
      item.sparqlRatio,
      (item.lanes.raw?.rows ?? 0) >= MANY_ROWS ? item.catalogUsPerRow : undefined,
      (item.lanes.raw?.rows ?? 0) >= MANY_ROWS ? item.sparqlUsPerRow : undefined,
      verdict(item),
    ]),
  ),
);
const notes = [
  `${manifest.triples} triples (+ ${manifest.domainTriples} domain), ${quads} quads in the store after the online state`,
  `durable embedded store (engine in a worker thread) behind createApp on 127.0.0.1; raw: Oxigraph store on the main thread`,
  `${warmupRounds} untimed warm-up rounds of every query on every lane before any timing (their times per round in the JSON: the start-up cost)`,
  `µs/row shown for queries of ≥ ${MANY_ROWS} rows only (goal ≤ ${GOAL_US_PER_ROW} µs); below that the fixed cost per request dominates`,
  `load average at start ${loadAtStart}, at the end ${loadAtEnd} (2 cores, shared); wall ${wallSeconds} s; commit ${commit}`,
];
for (const note of notes) console.log(`- ${note}`);

mkdirSync('test/bench/results', { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify(
    {
      date: new Date().toISOString(),
      commit,
      machine: benchMachine(),
      loadAverage: { start: loadAtStart, end: loadAtEnd },
      size,
      dataset: { dir: dataset.dir, triples: manifest.triples, domainTriples: manifest.domainTriples, quads },
      settings: {
        reps,
        warmupRounds,
        budgetS: budgetMs / 1000,
        only,
        interleaved: true,
        lanesWarmupOrder: lanes.map((l) => l.name),
      },
      goals: { ratio: GOAL_RATIO, minRawMs: GOAL_MIN_RAW_MS, usPerRow: GOAL_US_PER_ROW },
      wallSeconds,
      warmUpMs,
      queries: compared,
      notes,
    },
    null,
    2,
  )}\n`,
);
log(`wrote ${outFile}`);
