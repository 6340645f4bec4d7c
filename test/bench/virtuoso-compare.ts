// Embedded durable store next to Virtuoso 7.2 (provml's remote SPARQL store), on the benchmark generator's
// PROV-ML data (test/bench/generate, cached in .tmp/bench/data/). Not part of `npm test`.
//
//   node --import tsx test/bench/virtuoso-compare.ts [--size 1e6] [--backends embedded,virtuoso]
//        [--reps 5] [--budget 30] [--chunk-mb 8] [--buffers N] [--in-process] [--only a,b] [--catalog DIR]
//   node --import tsx test/bench/virtuoso-compare.ts --beyond      # Virtuoso only, 2×10^7 triples
//        [--size 2e7] [--facade-triples 1e6] [--loaders 2]
//
// What is measured, and how:
// - Ingestion through the store facade (openDurableStore / openSparqlStore): the data set's data.nq, then
//   domain.nq, read in N-Quads pieces of --chunk-mb ending at line ends, each one `store.load(piece)` awaited
//   in turn (one durable write per piece, like a capture batch). "Acknowledged" = the last write promise
//   resolved (embedded: fsync'ed to the log; Virtuoso: fsync'ed to the local outbox). "Queryable" = until
//   store.stats() answered afterwards, which for Virtuoso first waits until the outbox has reached the engine.
//   Then refreshOnlineState(store) builds the online state (what capture keeps at ingest) once.
// - Catalog queries, both backends over HTTP: the embedded store behind provml's server (GET
//   /api/v1/queries/:name, SPARQL JSON results read by fetch), Virtuoso through provml's remote store
//   (runCatalogQuery: its SPARQL endpoint over HTTP, results parsed by provml); --in-process adds the embedded
//   store's facade without HTTP. Parameters from the suite's catalogParams (--only: those queries; --catalog:
//   the .rq files of DIR instead of the package's, the embedded store then asked in process only, since its
//   server serves the package's), a time limit of --budget. Both stores stay open and the
//   runs are interleaved: per query one warm-up on each, then --reps rounds of one run on each, the order
//   reversed every round, so a busy machine's noise hits both; median and p95 (nearest rank); a run over the
//   budget is a "timeout". Row counts are compared between the backends.
// - --beyond: Virtuoso only, at 2×10^7 triples (twice the embedded store's default PROVML_MAX_QUADS). The
//   first triples minus --facade-triples go in through Virtuoso's bulk loader (isql: ld_dir, rdf_loader_run
//   in --loaders sessions, checkpoint), split beforehand into files of 256 MiB; the last --facade-triples
//   (and the domain graph) then through provml's facade into the loaded store; then the catalog queries.
// Results: console.table and test/bench/results/virtuoso-compare-<size>.json (other modes: a suffix naming them).
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/logger.ts';
import {
  openDurableStore,
  openSparqlStore,
  type ProvStore,
  refreshOnlineState,
} from '../../src/store/index.ts';
import { startVirtuoso, type VirtuosoServer } from '../support/virtuoso.ts';
import { ensureDataset, REPO_ROOT } from './generate/index.ts';
import { measuredCommit } from './suite/commit.ts';
import { benchMachine } from './suite/machine.ts';
import {
  type BoundEntry,
  boundCatalog,
  facadeRunner,
  httpRunner,
  type QueryFigure,
  type QueryRunner,
  runCatalogInterleaved,
} from './virtuoso/catalog.ts';
import {
  type BulkFigure,
  bulkLoad,
  facadeIngest,
  type IngestFigure,
  splitNQuads,
} from './virtuoso/ingest.ts';
import { parseCompareArgs } from './virtuoso/options.ts';
import { type QueryComparison, queryRows } from './virtuoso/report.ts';
import { serveStore } from './virtuoso/serve.ts';

const args = parseCompareArgs(process.argv.slice(2));
const commit = measuredCommit(); // at the start: the tree may change while this runs
const wallStarted = performance.now();
const log = (line: string): void => {
  process.stderr.write(`[${((performance.now() - wallStarted) / 1000).toFixed(0)} s] ${line}\n`);
};
const notes: string[] = [];
const load = (): string =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');
const LONG_MS = 4 * 3600_000; // writes and the outbox drain: never the limiting factor

const dataset = ensureDataset({ target: args.size });
const { manifest } = dataset;
const dataFile = join(dataset.dir, manifest.quadsFile);
const domainFile = join(dataset.dir, manifest.domainFile);
const expectedQuads = manifest.triples + manifest.domainTriples;
const queries = await boundCatalog(manifest, { dir: args.catalogDir, only: args.only });
let figures = new Map<string, Map<string, QueryFigure>>();
const workDir = join(REPO_ROOT, '.tmp', 'bench', 'work', `virtuoso-compare-${process.pid}`);
mkdirSync(workDir, { recursive: true });
log(`data set ${dataset.dir}: ${expectedQuads} quads, ${queries.length} catalog queries; load ${load()}`);
notes.push(`load average at start: ${load()} (2-core machine, other work may run concurrently)`);

const ingestion: IngestFigure[] = [];
const bulk: BulkFigure[] = [];
const querySettings = { reps: args.reps, budgetMs: args.budgetS * 1000, progress: log };
const lanes: Array<{ label: string; run: QueryRunner }> = [];
const closers: Array<() => Promise<void>> = [];

async function loadThroughFacade(label: string, store: ProvStore, files: string[]): Promise<void> {
  log(`${label}: loading ${files.join(', ')} through the facade`);
  const figure = await facadeIngest(label, store, files, args.chunkMb << 20);
  ingestion.push(figure);
  log(
    `${label}: ${figure.acknowledgedPerSecond} triples/s acknowledged, ${figure.queryablePerSecond} queryable`,
  );
  if (figure.quadsAfter !== expectedQuads)
    notes.push(
      `${label}: the store holds ${figure.quadsAfter} quads after loading, the data set has ${expectedQuads}`,
    );
  // Bulk-loaded, not captured: build once the online state capture keeps (running-tasks, latest-metric-running).
  const stateStarted = performance.now();
  await refreshOnlineState(store);
  log(`${label}: online state built in ${Math.round(performance.now() - stateStarted)} ms; load ${load()}`);
  notes.push(`load average after loading ${label}: ${load()}`);
}

try {
  if (args.backends.includes('embedded')) {
    const dir = join(workDir, 'embedded');
    const store = await openDurableStore({ dir, logger: silentLogger(), queryTimeoutMs: LONG_MS });
    closers.push(async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    });
    await loadThroughFacade('embedded (durable Oxigraph)', store, [dataFile, domainFile]);
    if (args.catalogDir) {
      // provml's server serves the package's catalog only: over HTTP, DIR's queries would not be the ones asked.
      lanes.push({ label: 'embeddedInProcess', run: facadeRunner(store) });
      notes.push(
        '--catalog: the embedded store is asked in process, without HTTP (its server serves queries/)',
      );
    } else {
      const server = await serveStore(store, dir, args.budgetS * 1000);
      closers.unshift(server.close);
      lanes.push({ label: 'embedded', run: httpRunner(server.url) });
      if (args.inProcess) lanes.push({ label: 'embeddedInProcess', run: facadeRunner(store) });
    }
  }

  if (args.backends.includes('virtuoso')) {
    const bulkDir = join(workDir, 'bulk');
    const server: VirtuosoServer = await startVirtuoso({
      numberOfBuffers: args.buffers,
      maxDirtyBuffers: Math.round(args.buffers * 0.75),
      dirsAllowed: [bulkDir],
    });
    closers.push(() => server.stop());
    notes.push(
      `Virtuoso ini: NumberOfBuffers ${args.buffers}, MaxDirtyBuffers ${Math.round(args.buffers * 0.75)}`,
    );
    const store = await openSparqlStore({
      queryUrl: server.sparqlUrl,
      updateUrl: server.sparqlUrl,
      graphStoreUrl: server.graphStoreUrl,
      outboxDir: join(workDir, 'outbox'),
      queryTimeoutMs: LONG_MS,
      writeTimeoutMs: 600_000,
      logger: silentLogger(),
    });
    closers.unshift(() => store.close());
    let files = [dataFile, domainFile];
    if (args.bulk) {
      const tailFile = join(workDir, 'tail.nq');
      const headLines = manifest.triples - Math.min(args.facadeTriples, Math.floor(manifest.triples / 2));
      log(`splitting ${dataFile}: ${headLines} lines for the bulk loader, the rest for the facade`);
      const splitStarted = performance.now();
      const split = splitNQuads(dataFile, headLines, bulkDir, tailFile);
      const splitSeconds = (performance.now() - splitStarted) / 1000;
      log(
        `bulk loading ${split.pieces} files (${split.headLines} triples), ${args.loaders} loaders; load ${load()}`,
      );
      const figure = await bulkLoad(server, bulkDir, split.headLines, args.loaders);
      bulk.push({ ...figure, splitSeconds: Math.round(splitSeconds) });
      log(`bulk load: ${figure.seconds} s, ${figure.triplesPerSecond} triples/s`);
      rmSync(bulkDir, { recursive: true, force: true });
      files = split.tailLines > 0 ? [tailFile, domainFile] : [domainFile];
      notes.push(
        `Virtuoso: ${split.headLines} triples through the bulk loader, then the last ${split.tailLines} triples and the domain graph through provml's facade into that loaded store`,
      );
    }
    await loadThroughFacade('Virtuoso 7.2 (remote store)', store, files);
    lanes.push({ label: 'virtuoso', run: facadeRunner(store) });
  }

  log(`catalog: ${lanes.map((lane) => lane.label).join(', ')}, interleaved; load ${load()}`);
  figures = await runCatalogInterleaved(lanes, queries, querySettings);
  notes.push(`load average after the catalog: ${load()}`);
} finally {
  for (const close of closers) await close();
  rmSync(workDir, { recursive: true, force: true });
}

const compared: QueryComparison[] = queries.map((item: BoundEntry) => {
  const embedded = figures.get('embedded')?.get(item.entry.name);
  const embeddedInProcess = figures.get('embeddedInProcess')?.get(item.entry.name);
  const virtuoso = figures.get('virtuoso')?.get(item.entry.name);
  const rows = [embedded ?? embeddedInProcess, virtuoso]
    .filter((f) => f?.status === 'ok')
    .map((f) => f?.rows);
  const rowsAgree = new Set(rows).size <= 1;
  if (!rowsAgree)
    notes.push(
      `${item.entry.name}: row counts differ (embedded ${embedded?.rows}, Virtuoso ${virtuoso?.rows})`,
    );
  return { name: item.entry.name, params: item.params, rowsAgree, embedded, embeddedInProcess, virtuoso };
});

const wallSeconds = Math.round((performance.now() - wallStarted) / 1000);
notes.push(`load average at the end: ${load()}; wall time ${wallSeconds} s`);
if (ingestion.length > 0) console.table(ingestion.map(({ path: _path, ...rest }) => rest));
if (bulk.length > 0) console.table(bulk);
console.table(queryRows(compared));
for (const note of notes) console.log(`- ${note}`);

mkdirSync('test/bench/results', { recursive: true });
const out = args.outFile;
const result = {
  date: new Date().toISOString(),
  commit,
  machine: benchMachine(),
  size: args.size,
  dataset: {
    dir: dataset.dir,
    triples: manifest.triples,
    domainTriples: manifest.domainTriples,
    workflows: manifest.workflows,
    events: manifest.events,
  },
  settings: {
    backends: args.backends,
    lanes: lanes.map((lane) => lane.label),
    interleaved: true,
    catalogDir: args.catalogDir,
    only: args.only,
    reps: args.reps,
    budgetS: args.budgetS,
    chunkMb: args.chunkMb,
    bulk: args.bulk,
    facadeTriples: args.bulk ? args.facadeTriples : undefined,
    loaders: args.bulk ? args.loaders : undefined,
    virtuosoBuffers: args.buffers,
  },
  wallSeconds,
  ingestion,
  bulk,
  queries: compared,
  notes,
};
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
log(`wrote ${out}`);
