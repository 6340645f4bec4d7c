// Latency of every catalog query on the generated data sets (not part of npm test):
//   node --import tsx test/bench/catalog-latency.ts [--sizes 100000,1000000] [--budget-ms 10000] [--reps 3]
//        [--catalog DIR] [--only name,name] [--load-timeout-s 600] [--out file.json]
// Each size is loaded once into an in-memory store in a child process (the suite's engine child); a query with
// no answer within the budget ends that child, which is restarted for the next query.
//   node --import tsx test/bench/catalog-latency.ts --compare DIR [--sizes 10000]
// runs the package catalog and the catalog in DIR (e.g. a copy of queries/ before a change) in this process and
// reports, per query, whether both return the same rows (as sets of solutions).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bindQuery,
  type Catalog,
  type CatalogEntry,
  loadCatalog,
  packageCatalog,
  runCatalogQuery,
} from '../../src/query/index.ts';
import { openMemoryStore, refreshOnlineState, type SelectResult } from '../../src/store/index.ts';
import { type Dataset, ensureDataset } from './generate/index.ts';
import { measuredCommit } from './suite/commit.ts';
import { EngineHost, EngineTimeout } from './suite/engine-host.ts';
import { nquadChunks } from './suite/nquads.ts';
import { catalogParams } from './suite/query-params.ts';

interface Figure {
  name: string;
  status: 'ok' | 'timeout' | 'error';
  medianMs?: number;
  rows?: number;
  detail?: string;
}

const { values: args } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    'budget-ms': { type: 'string', default: '10000' },
    'load-timeout-s': { type: 'string', default: '600' },
    reps: { type: 'string', default: '3' },
    catalog: { type: 'string' },
    only: { type: 'string' },
    out: { type: 'string' },
    compare: { type: 'string' },
  },
});

const sizes = (args.sizes ?? '').split(',').map(Number);
const budgetMs = Number(args['budget-ms']);
const reps = Number(args.reps);
const only = args.only ? new Set(args.only.split(',')) : undefined;
const dataFiles = (dataset: Dataset): string[] => [
  join(dataset.dir, dataset.manifest.quadsFile),
  join(dataset.dir, dataset.manifest.domainFile),
];
const median = (samples: number[]): number => {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

function localEntries(catalog: Catalog): CatalogEntry[] {
  return catalog.list().filter((entry) => !entry.federated && (!only || only.has(entry.name)));
}

async function timeSize(catalog: Catalog, size: number): Promise<Figure[]> {
  const dataset = ensureDataset({ target: size });
  const files = dataFiles(dataset);
  const figures: Figure[] = [];
  let host: EngineHost | undefined;
  try {
    for (const entry of localEntries(catalog)) {
      const params = catalogParams(entry, dataset.manifest);

      const query = bindQuery(entry.query, entry.params, params);
      if (!host) {
        host = await EngineHost.start();
        await host.load(files, Number(args['load-timeout-s']) * 1000);
      }
      let figure: Figure;
      try {
        const reply = await host.query({ engine: 'native', query, warmup: 1, reps, budgetMs }, budgetMs);
        figure = {
          name: entry.name,
          status: 'ok',
          medianMs: Math.round(median(reply.samples)),
          rows: reply.rows,
        };
      } catch (error) {
        host.stop();
        host = undefined;
        figure =
          error instanceof EngineTimeout
            ? { name: entry.name, status: 'timeout', detail: `> ${budgetMs / 1000} s` }
            : { name: entry.name, status: 'error', detail: (error as Error).message };
      }
      figures.push(figure);
      const shown = figure.status === 'ok' ? `${figure.medianMs} ms, ${figure.rows} rows` : figure.status;
      console.log(`${dataset.manifest.triples} triples  ${entry.name}: ${shown}`);
    }
  } finally {
    host?.stop();
  }
  return figures;
}

/** A result as a sorted list of solutions (variable=term), so row order and duplicates do not matter. */
function solutionSet(result: SelectResult): string[] {
  const lines = result.rows.map((row) =>
    result.variables.map((name) => `${name}=${row[name] ? JSON.stringify(row[name]) : ''}`).join(' '),
  );
  return [...new Set(lines)].sort();
}

async function compare(beforeDir: string, size: number): Promise<void> {
  const dataset = ensureDataset({ target: size });
  const store = await openMemoryStore();
  for (const file of dataFiles(dataset))
    for (const chunk of nquadChunks(file)) await store.load(chunk, { format: 'application/n-quads' });
  await refreshOnlineState(store); // bulk-loaded: the state the capture path keeps is built once here
  const before = await loadCatalog(beforeDir);
  const after = await packageCatalog();
  const known = new Set(before.list().map((entry) => entry.name));
  for (const entry of localEntries(after).filter((candidate) => known.has(candidate.name))) {
    const params = catalogParams(entry, dataset.manifest);
    const t0 = performance.now();
    const old = solutionSet(await runCatalogQuery(store, before.get(entry.name), params));
    const t1 = performance.now();
    const now = solutionSet(await runCatalogQuery(store, entry, params));
    const t2 = performance.now();
    const same = old.length === now.length && old.every((line, i) => line === now[i]);
    console.log(
      `${dataset.manifest.triples} triples  ${entry.name}: ${same ? 'same' : 'DIFFERENT'} rows (${old.length} before, ${now.length} after; ${Math.round(t1 - t0)} ms → ${Math.round(t2 - t1)} ms)`,
    );
    if (!same) {
      const added = now.filter((line) => !old.includes(line)).slice(0, 3);
      const missing = old.filter((line) => !now.includes(line)).slice(0, 3);
      console.log(`  only after: ${added.join('\n    ')}\n  only before: ${missing.join('\n    ')}`);
      process.exitCode = 1;
    }
  }
}

if (args.compare) {
  for (const size of sizes) await compare(args.compare, size);
} else {
  const catalog = args.catalog ? await loadCatalog(args.catalog) : await packageCatalog();
  const results: Record<string, Figure[] | string | undefined> = {
    date: new Date().toISOString(),
    commit: measuredCommit(),
  };
  for (const size of sizes) results[size] = await timeSize(catalog, size);
  if (args.out) writeFileSync(args.out, `${JSON.stringify(results, null, 2)}\n`);
}
