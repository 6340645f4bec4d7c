// Streamed export of a durable store (not part of npm test): memory held by an export next to the store's
// size. For each size, one process builds a durable store of synthetic provenance quads (one named graph
// per 10,000 quads) and closes it (its snapshot written through the same paged dump); a fresh process then
// opens it and exports every quad as N-Quads, then TriG, to a file through the streaming path, sampling
// its resident memory every 50 ms. Bounded memory: the peak over the opened store's RSS stays flat while
// the store (and the export) grows, and the export process runs with a JS heap limit far below the export's
// size (EXPORT_HEAP_MiB), which an export holding its text would exceed.
// Usage: node --import tsx test/bench/export-stream.ts [--sizes 1e5,1e6,1e7] [--out file.json]
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import type { QuadData } from '../../src/rdf/index.ts';
import { openDurableStore, type RdfFormat } from '../../src/store/index.ts';
import { syntheticBatch } from './store-startup.ts';
import { measuredCommit } from './suite/commit.ts';

const BATCHES_PER_INSERT = 50; // syntheticBatch gives 1,000 quads: 50,000 quads per logged write
const IN_FLIGHT = 4;
const MiB = 2 ** 20;
/** The export process's JS heap limit: far below the export's size, so an export that buffered would fail. */
const EXPORT_HEAP_MiB = 384;

interface BuildReply {
  quads: number;
  graphs: number;
  buildMs: number;
  closeMs: number;
}

interface ExportFigures {
  ms: number;
  bytes: number;
  peakRssMiB: number;
  overheadMiB: number;
}

interface ExportReply {
  openMs: number;
  rssAfterOpenMiB: number;
  nquads: ExportFigures;
  trig: ExportFigures;
}

/** Builds the store; close() writes its snapshot through the paged dump (timed as closeMs). */
async function buildPhase(dir: string, quads: number): Promise<never> {
  const store = await openDurableStore({
    dir,
    maxQuads: Number.MAX_SAFE_INTEGER,
    snapshotAfterBytes: 2 ** 40,
  });
  const started = performance.now();
  const inserts = Math.ceil(quads / (1000 * BATCHES_PER_INSERT));
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < inserts) {
      const first = next++ * BATCHES_PER_INSERT;
      const batch: QuadData[] = [];
      for (let i = first; i < first + BATCHES_PER_INSERT; i++)
        for (const quad of syntheticBatch(i)) batch.push(quad);
      await store.insert(batch);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, writer));
  const stats = await store.stats();
  const buildMs = performance.now() - started;
  const closing = performance.now();
  await store.close();
  return reply({ quads: stats.quads, graphs: stats.graphs, buildMs, closeMs: performance.now() - closing });
}

async function exportPhase(dir: string): Promise<never> {
  const opening = performance.now();
  const store = await openDurableStore({ dir, maxQuads: Number.MAX_SAFE_INTEGER });
  const openMs = performance.now() - opening;
  await store.stats();
  globalThis.gc?.();
  const rssAfterOpenMiB = process.memoryUsage().rss / MiB;
  const exportTo = async (format: RdfFormat): Promise<ExportFigures> => {
    const file = join(dir, 'export.out');
    let peak = process.memoryUsage().rss;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const started = performance.now();
    await pipeline(Readable.from(store.dump({ format }), { objectMode: false }), createWriteStream(file));
    const ms = performance.now() - started;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    const bytes = statSync(file).size;
    rmSync(file);
    return { ms, bytes, peakRssMiB: peak / MiB, overheadMiB: peak / MiB - rssAfterOpenMiB };
  };
  const nquads = await exportTo('application/n-quads');
  process.stderr.write(`n-quads export: ${JSON.stringify(nquads)}\n`);
  const trig = await exportTo('application/trig');
  process.stdout.write(`${JSON.stringify({ openMs, rssAfterOpenMiB, nquads, trig })}\n`);
  process.exit(0); // no close(): nothing was written, no snapshot to take
}

function reply(value: unknown): never {
  process.stdout.write(`${JSON.stringify(value)}\n`);
  process.exit(0);
}

function inChild<T>(phase: string[], nodeFlags: string[] = []): T {
  const output = execFileSync(
    process.execPath,
    [...nodeFlags, '--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), ...phase],
    { encoding: 'utf8', maxBuffer: 1 << 20, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as T;
}

const round = (figures: ExportFigures) => ({
  ms: Math.round(figures.ms),
  MiB: Math.round(figures.bytes / MiB),
  quadsPerSecond: 0,
  peakRssMiB: Math.round(figures.peakRssMiB),
  overheadMiB: Math.round(figures.overheadMiB),
});

async function main(sizes: number[], out: string): Promise<void> {
  const results: Array<Record<string, unknown>> = [];
  for (const size of sizes) {
    const root = mkdtempSync(join(tmpdir(), 'provml-bench-export-'));
    try {
      const dir = join(root, 'data');
      const built = inChild<BuildReply>(['--phase', 'build', dir, String(size)]);
      process.stderr.write(`built ${built.quads} quads in ${Math.round(built.buildMs)} ms\n`);
      const exported = inChild<ExportReply>(
        ['--phase', 'export', dir],
        [`--max-old-space-size=${EXPORT_HEAP_MiB}`],
      );
      const nquads = {
        ...round(exported.nquads),
        quadsPerSecond: Math.round(built.quads / (exported.nquads.ms / 1000)),
      };
      const trig = {
        ...round(exported.trig),
        quadsPerSecond: Math.round(built.quads / (exported.trig.ms / 1000)),
      };
      const result = {
        quads: built.quads,
        graphs: built.graphs,
        buildMs: Math.round(built.buildMs),
        snapshotOnCloseMs: Math.round(built.closeMs),
        openMs: Math.round(exported.openMs),
        rssAfterOpenMiB: Math.round(exported.rssAfterOpenMiB),
        nquads,
        trig,
      };
      process.stderr.write(`${JSON.stringify(result)}\n`);
      results.push(result);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  const report = {
    date: new Date().toISOString(),
    commit: measuredCommit(),
    pageQuads: 'default (50,000)',
    exportHeapLimitMiB: EXPORT_HEAP_MiB,
    results,
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
}

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const index = args.indexOf(name);
  return index >= 0 ? args[index + 1] : undefined;
};
if (args[0] === '--phase') {
  const [phase, dir = '', size = '0'] = args.slice(1);
  if (phase === 'build') await buildPhase(dir, Number(size));
  else await exportPhase(dir);
} else {
  const sizes = (option('--sizes') ?? '1e5,1e6,1e7').split(',').map(Number);
  await main(sizes, option('--out') ?? 'test/bench/results/export-stream.json');
}
