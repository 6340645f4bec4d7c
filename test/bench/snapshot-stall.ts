// What a snapshot costs the writes and queries that arrive while it is written (not part of npm test):
// a durable store of --quads quads (built once, closed, then copied for each run) is opened with a snapshot due
// at once, and a steady trickle runs while it is written: one 12-quad insert every --period-ms (each
// acknowledgement timed) and one small ASK every 10th period (timed). Runs alternate the engine writing the
// snapshot (PROVML_SNAPSHOT_IN_BACKGROUND=false) and the background build, --rounds times each, side by side.
// Usage: node --import tsx test/bench/snapshot-stall.ts [--quads 3e6] [--rounds 2] [--period-ms 10] [--out F]
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pino } from 'pino';
import type { QuadData } from '../../src/rdf/index.ts';
import { askBoolean, type DurableStore, openDurableStore } from '../../src/store/index.ts';
import { measuredCommit } from './suite/commit.ts';
import { quantile, round } from './suite/stats.ts';

const EX = 'https://example.org/stall/';
const XSD_STRING = 'http://www.w3.org/2001/XMLSchema#string';
const PRELOAD_QUADS_PER_LOAD = 100_000;
const AFTER_SNAPSHOT_MS = 2_000;
const MAX_RUN_MS = 300_000;

const named = (value: string) => ({ termType: 'NamedNode' as const, value });

function preloadText(from: number, count: number): string {
  const lines: string[] = [];
  for (let i = from; i < from + count; i++)
    lines.push(`<${EX}s/${i >> 4}> <${EX}p/${i & 15}> "v${i}" <${EX}g/${i % 997}> .`);
  return `${lines.join('\n')}\n`;
}

function trickleQuads(n: number): QuadData[] {
  return Array.from({ length: 12 }, (_, i) => ({
    subject: named(`${EX}event/${n}`),
    predicate: named(`${EX}q/${i}`),
    object: { termType: 'Literal', value: `${n}-${i}`, language: '', datatype: named(XSD_STRING) },
    graph: named(`${EX}trickle/${n % 50}`),
  }));
}

async function buildStore(dir: string, quads: number): Promise<void> {
  const store = await openDurableStore({ dir, snapshotInBackground: false });
  for (let from = 0; from < quads; from += PRELOAD_QUADS_PER_LOAD)
    await store.load(preloadText(from, Math.min(PRELOAD_QUADS_PER_LOAD, quads - from)), {
      format: 'application/n-quads',
    });
  await store.close();
}

interface RunFigures {
  background: boolean;
  snapshotMs: number;
  writes: number;
  writeP50Ms: number;
  writeP99Ms: number;
  writeMaxMs: number;
  queries: number;
  queryP50Ms: number;
  queryP99Ms: number;
  queryMaxMs: number;
}

function latencies(samples: number[]): { p50: number; p99: number; max: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  return {
    p50: round(quantile(sorted, 0.5)),
    p99: round(quantile(sorted, 0.99)),
    max: round(sorted.at(-1) ?? 0),
  };
}

async function trickleRun(source: string, background: boolean, periodMs: number): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'provml-stall-run-'));
  cpSync(source, dir, { recursive: true });
  let snapshotMs: number | undefined;
  const logger = pino(
    { level: 'info' },
    {
      write: (line: string) => {
        const entry = JSON.parse(line) as { msg: string; ms?: number };
        if (entry.msg === 'Snapshot written.') snapshotMs = entry.ms;
      },
    },
  );
  // A snapshot is due after the first 64 KiB of log, whatever the size of the last one.
  const store: DurableStore = await openDurableStore({
    dir,
    snapshotAfterBytes: 64 << 10,
    snapshotGrowth: 1e-9,
    snapshotInBackground: background,
    logger,
  });
  const writes: number[] = [];
  const queries: number[] = [];
  const pending: Promise<void>[] = [];
  const started = performance.now();
  let doneAt: number | undefined;
  try {
    for (let n = 0; ; n++) {
      const now = performance.now();
      if (snapshotMs !== undefined) doneAt ??= now;
      if ((doneAt !== undefined && now - doneAt > AFTER_SNAPSHOT_MS) || now - started > MAX_RUN_MS) break;
      const sent = performance.now();
      pending.push(store.insert(trickleQuads(n)).then(() => void writes.push(performance.now() - sent)));
      if (n % 10 === 0)
        pending.push(
          askBoolean(store, `ASK { GRAPH <${EX}g/${n % 997}> { ?s ?p ?o } }`).then(
            () => void queries.push(performance.now() - sent),
          ),
        );
      await new Promise((resolve) => setTimeout(resolve, periodMs));
    }
    await Promise.all(pending);
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const w = latencies(writes);
  const q = latencies(queries);
  return {
    background,
    snapshotMs: snapshotMs ?? -1,
    writes: writes.length,
    writeP50Ms: w.p50,
    writeP99Ms: w.p99,
    writeMaxMs: w.max,
    queries: queries.length,
    queryP50Ms: q.p50,
    queryP99Ms: q.p99,
    queryMaxMs: q.max,
  };
}

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

async function main(): Promise<void> {
  const quads = option('--quads', 3e6);
  const rounds = option('--rounds', 2);
  const periodMs = option('--period-ms', 10);
  const outAt = process.argv.indexOf('--out');
  const out = outAt >= 0 ? process.argv[outAt + 1] : undefined;
  const root = mkdtempSync(join(tmpdir(), 'provml-stall-'));
  const source = join(root, 'store');
  mkdirSync(source);
  const loadAtStart = loadavg();
  try {
    process.stderr.write(`building a store of ${quads} quads…\n`);
    await buildStore(source, quads);
    const runs: RunFigures[] = [];
    for (let round = 0; round < rounds; round++)
      for (const background of round % 2 === 0 ? [false, true] : [true, false]) {
        const figures = await trickleRun(source, background, periodMs);
        process.stderr.write(`${JSON.stringify(figures)}\n`);
        runs.push(figures);
      }
    console.table(runs);
    const report = {
      meta: {
        commit: measuredCommit(),
        date: new Date().toISOString(),
        quads,
        periodMs,
        loadAtStart,
        loadAtEnd: loadavg(),
      },
      runs,
    };
    if (out) {
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
