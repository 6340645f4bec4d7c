// Durable embedded store figures (not part of npm test):
//  - acknowledged-write throughput with group commit (batches/s, quads/s) next to Oxigraph's own
//    in-memory load of the same quads;
//  - start-up time and memory for the data set, from snapshot + log (a crash image: the directory copied while
//    writes were still being applied, as kill -9 leaves it) and from a snapshot (after close()), each next to
//    Oxigraph's raw bulk load of the same quads as one N-Quads file, every phase in a fresh process; the bulk
//    load runs before and after the restarts and the ratio uses their mean, so load changes hit both.
// Usage: node --import tsx test/bench/store-startup.ts [--quick] [--quads N] [--restart-only] [--events] [--out file.json]
//   --restart-only skips the batch-by-batch raw load (the ingestion ratio), which the restart figures do not use.
//   --events: the restart of a server that ingested the generated events of about N triples (seeded data set,
//   `provml ingest`'s batches), whose log also holds the online state's refreshes and the event records: a crash
//   image taken once everything is applied, next to the bulk load of that image's own quads.
import { execFileSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type QuadData, quadsToNQuads } from '../../src/rdf/index.ts';
import { OxigraphEngine } from '../../src/store/engine.ts';
import { openDurableStore } from '../../src/store/index.ts';
import { measuredCommit } from './suite/commit.ts';
import { fileByteChunks } from './suite/nquads.ts';

interface OpenReply {
  openMs: number;
  rssMiB: number;
  quads: number;
}

const EX = 'https://example.org/bench/';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const BATCH_QUADS = 1000;
const IN_FLIGHT = 8;

/** Synthetic provenance-like quads: one named graph per workflow run, tasks with typed attributes. Seeded. */
export function syntheticBatch(index: number): QuadData[] {
  let state = index + 1;
  const random = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  const graph = { termType: 'NamedNode' as const, value: `${EX}run/${Math.floor(index / 10)}` };
  const quads: QuadData[] = [];
  for (let i = 0; quads.length < BATCH_QUADS; i++) {
    const task = { termType: 'NamedNode' as const, value: `${EX}task/${index}/${i}` };
    const literal = (value: string, type: string) => ({
      termType: 'Literal' as const,
      value,
      language: '',
      datatype: { termType: 'NamedNode' as const, value: XSD + type },
    });
    const p = (name: string) => ({ termType: 'NamedNode' as const, value: `${EX}${name}` });
    quads.push(
      { subject: task, predicate: p('type'), object: p('TrainingTask'), graph },
      { subject: task, predicate: p('epoch'), object: literal(String(i), 'integer'), graph },
      { subject: task, predicate: p('loss'), object: literal(random().toFixed(6), 'double'), graph },
      {
        subject: task,
        predicate: p('startedAt'),
        object: literal(new Date(1.7e12 + index * 1e6 + i * 1000).toISOString(), 'dateTime'),
        graph,
      },
      { subject: task, predicate: p('used'), object: p(`dataset/${Math.floor(random() * 1000)}`), graph },
    );
  }
  return quads;
}

function timed<T>(run: () => T): [T, number] {
  const start = process.hrtime.bigint();
  const value = run();
  return [value, Number(process.hrtime.bigint() - start) / 1e6];
}

async function ingest(
  dir: string,
  batches: number,
): Promise<{ ackMs: number; appliedMs: number; syncs: number; records: number }> {
  const store = await openDurableStore({ dir, maxQuads: Number.MAX_SAFE_INTEGER });
  const start = process.hrtime.bigint();
  let next = 0;
  const writer = async (): Promise<void> => {
    while (next < batches) await store.insert(syntheticBatch(next++));
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, writer));
  const ackMs = Number(process.hrtime.bigint() - start) / 1e6;
  await store.stats();
  const appliedMs = Number(process.hrtime.bigint() - start) / 1e6;
  const counters = store.logCounters();
  // A crash image now (snapshot + log) for the start-up measurement, before close() snapshots everything.
  copyDataFiles(dir, `${dir}-image`);
  await store.close();
  return { ackMs, appliedMs, syncs: counters.syncs, records: counters.records };
}

/** Runs one phase of this benchmark in a fresh process, so no phase's memory (JS heap or WASM) burdens another. */
function inChild<T>(phase: string[]): T {
  const output = execFileSync(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), ...phase],
    {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    },
  );
  return JSON.parse(output.trim().split('\n').at(-1) ?? '{}') as T;
}

const reply = (value: unknown): never => {
  process.stdout.write(`${JSON.stringify(value)}\n`);
  process.exit(0); // no close(): leave a store directory as it is for the next measurement
};

/** Oxigraph alone, batch by batch, no log: the engine work the durable store cannot avoid (generation not timed). */
function rawLoadPhase(batches: number): never {
  new OxigraphEngine().apply({
    op: 'load',
    data: quadsToNQuads(syntheticBatch(0)),
    format: 'application/n-quads',
  });
  const engine = new OxigraphEngine();
  let ms = 0;
  for (let i = 0; i < batches; i++) {
    const data = quadsToNQuads(syntheticBatch(i));
    ms += timed(() =>
      engine.apply({ op: 'load', data, format: 'application/n-quads' }, { validated: true }),
    )[1];
  }
  return reply({ ms });
}

/** Oxigraph alone, one streaming bulk load of the whole file (its fastest path). */
function bulkLoadPhase(file: string): never {
  new OxigraphEngine().loadNQuads([quadsToNQuads(syntheticBatch(0))]);
  const [, ms] = timed(() => new OxigraphEngine().loadNQuads(fileByteChunks(file)));
  return reply({ ms });
}

async function openPhase(dir: string): Promise<never> {
  const start = process.hrtime.bigint();
  const store = await openDurableStore({ dir, maxQuads: Number.MAX_SAFE_INTEGER });
  const openMs = Number(process.hrtime.bigint() - start) / 1e6;
  const { quads } = await store.stats();
  const rssMiB = process.memoryUsage().rss / 2 ** 20;
  return reply({ openMs, rssMiB, quads });
}

/** The store in `dir` as one N-Quads file (the bulk-load side of the events restart). */
async function dumpPhase(dir: string, file: string): Promise<never> {
  const store = await openDurableStore({ dir, maxQuads: Number.MAX_SAFE_INTEGER });
  const fd = openSync(file, 'w');
  try {
    for await (const piece of store.dump({ format: 'application/n-quads' })) writeSync(fd, piece);
  } finally {
    closeSync(fd);
  }
  return reply({ quads: (await store.stats()).quads });
}

/** A server of this tree ingests the generated events; a crash image is copied once all of it is applied. */
async function ingestEvents(dir: string, eventsFile: string): Promise<{ ackMs: number }> {
  const { startDurableServer } = await import('./suite/server.ts');
  const { ingestFiles } = await import('../../src/cli/ingest-files.ts');
  const server = await startDurableServer(dir);
  const start = process.hrtime.bigint();
  await ingestFiles([eventsFile], { url: server.url, batchSize: 1000, format: 'provml', restart: true });
  const ackMs = Number(process.hrtime.bigint() - start) / 1e6;
  await server.store.stats();
  copyDataFiles(dir, `${dir}-image`);
  await server.close();
  return { ackMs };
}

export async function runEventsRestartBench(triples: number): Promise<Record<string, unknown>> {
  const { ensureDataset } = await import('./generate/index.ts');
  const dataset = ensureDataset({ target: triples });
  const root = mkdtempSync(join(tmpdir(), 'provml-bench-restart-'));
  try {
    const dir = join(root, 'data');
    const { ackMs } = await ingestEvents(dir, join(dataset.dir, dataset.manifest.eventsFile));
    const image = `${dir}-image`;
    process.stderr.write(`events ingested (${Math.round(ackMs)} ms)\n`);
    const file = join(root, 'image.nq');
    const { quads } = inChild<{ quads: number }>(['--phase', 'dump', copyDir(image), file]);
    const { ms: bulkMs } = inChild<{ ms: number }>(['--phase', 'bulk', file]);
    const fromLog = inChild<OpenReply>(['--phase', 'open', copyDir(image)]);
    const fromLog2 = inChild<OpenReply>(['--phase', 'open', copyDir(image)]);
    const { ms: bulkAfterMs } = inChild<{ ms: number }>(['--phase', 'bulk', file]);
    const bulkMeanMs = (bulkMs + bulkAfterMs) / 2;
    const openMs = [fromLog.openMs, fromLog2.openMs];
    return {
      date: new Date().toISOString(),
      commit: measuredCommit(),
      mode: 'events',
      dataset: dataset.manifest.triples,
      events: dataset.manifest.events,
      quads,
      imageMiB: Number((dirBytes(image) / 2 ** 20).toFixed(1)),
      imageFiles: readdirSync(image),
      rawBulkLoadMs: Math.round(bulkMs),
      rawBulkLoadAfterRestartsMs: Math.round(bulkAfterMs),
      openFromCrashImageMs: openMs.map(Math.round),
      openFromCrashImageRssMiB: Math.round(fromLog.rssMiB),
      quadsAfterOpen: fromLog.quads,
      restartToRawBulkLoad: openMs.map((ms) => Number((ms / bulkMeanMs).toFixed(2))),
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** A fresh copy of a directory (an open may write a snapshot into it). */
function copyDir(dir: string): string {
  return copyDataFiles(dir, `${dir}-${Math.random().toString(36).slice(2, 8)}`);
}

/** The data files of `dir` copied into a new directory `to`, as kill -9 leaves them (no lock, no temporary files). */
function copyDataFiles(dir: string, to: string): string {
  mkdirSync(to);
  for (const name of readdirSync(dir))
    if (name !== 'LOCK' && !name.endsWith('.tmp')) copyFileSync(join(dir, name), join(to, name));
  return to;
}

/** The benchmark's quads as one N-Quads file, written batch by batch (10^7 quads is about 1 GB). */
function writeNQuadsFile(path: string, batches: number): void {
  const fd = openSync(path, 'w');
  try {
    for (let i = 0; i < batches; i++) writeSync(fd, quadsToNQuads(syntheticBatch(i)));
  } finally {
    closeSync(fd);
  }
}

const dirBytes = (dir: string): number =>
  readdirSync(dir).reduce((sum, name) => sum + statSync(join(dir, name)).size, 0);

export async function runStoreStartupBench(
  quads: number,
  options: { restartOnly?: boolean } = {},
): Promise<Record<string, unknown>> {
  const batches = Math.ceil(quads / BATCH_QUADS);
  const root = mkdtempSync(join(tmpdir(), 'provml-bench-store-'));
  try {
    const rawMs = options.restartOnly
      ? Number.NaN
      : inChild<{ ms: number }>(['--phase', 'raw', String(batches)]).ms;
    const file = join(root, 'all.nq');
    writeNQuadsFile(file, batches);
    const { ms: bulkMs } = inChild<{ ms: number }>(['--phase', 'bulk', file]);
    process.stderr.write(`raw loads done (${Math.round(rawMs)} / ${Math.round(bulkMs)} ms)\n`);
    const dir = join(root, 'data');
    const written = await ingest(dir, batches);
    const image = `${dir}-image`;
    const imageFiles = readdirSync(image);
    const imageMiB = Number((dirBytes(image) / 2 ** 20).toFixed(1));
    process.stderr.write(`durable ingest done (${Math.round(written.ackMs)} ms)\n`);
    const fromLog = inChild<OpenReply>(['--phase', 'open', image]);
    const fromSnapshot = inChild<OpenReply>(['--phase', 'open', dir]);
    const { ms: bulkAfterMs } = inChild<{ ms: number }>(['--phase', 'bulk', file]);
    rmSync(file);
    const bulkMeanMs = (bulkMs + bulkAfterMs) / 2;
    const total = batches * BATCH_QUADS;
    return {
      date: new Date().toISOString(),
      commit: measuredCommit(),
      quads: total,
      batchQuads: BATCH_QUADS,
      inFlight: IN_FLIGHT,
      rawLoadMs: Math.round(rawMs),
      rawQuadsPerSecond: Math.round(total / (rawMs / 1000)),
      rawBulkLoadMs: Math.round(bulkMs),
      rawBulkQuadsPerSecond: Math.round(total / (bulkMs / 1000)),
      rawBulkLoadAfterRestartsMs: Math.round(bulkAfterMs),
      ackMs: Math.round(written.ackMs),
      appliedMs: Math.round(written.appliedMs),
      batchesPerSecond: Math.round(batches / (written.ackMs / 1000)),
      quadsPerSecond: Math.round(total / (written.ackMs / 1000)),
      ratioToRawLoad: Number((rawMs / written.appliedMs).toFixed(2)),
      ratioToRawBulkLoad: Number((bulkMs / written.appliedMs).toFixed(2)),
      fsyncs: written.syncs,
      recordsPerFsync: Number((written.records / written.syncs).toFixed(1)),
      imageMiB,
      imageFiles,
      openFromSnapshotAndLogMs: Math.round(fromLog.openMs),
      openFromSnapshotAndLogRssMiB: Math.round(fromLog.rssMiB),
      openFromSnapshotMs: Math.round(fromSnapshot.openMs),
      openFromSnapshotRssMiB: Math.round(fromSnapshot.rssMiB),
      openSecondsPerMillionQuads: Number((fromLog.openMs / 1000 / (total / 1e6)).toFixed(2)),
      restartFromSnapshotAndLogToRawBulkLoad: Number((fromLog.openMs / bulkMeanMs).toFixed(2)),
      restartFromSnapshotToRawBulkLoad: Number((fromSnapshot.openMs / bulkMeanMs).toFixed(2)),
      quadsAfterOpen: fromLog.quads,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (args[0] === '--phase') {
    const [phase, value = ''] = args.slice(1);
    if (phase === 'raw') rawLoadPhase(Number(value));
    else if (phase === 'bulk') bulkLoadPhase(value);
    else if (phase === 'dump') await dumpPhase(value, args[3] ?? '');
    else await openPhase(value);
  } else {
    const quadsArg = args.indexOf('--quads');
    const quads = quadsArg >= 0 ? Number(args[quadsArg + 1]) : args.includes('--quick') ? 100_000 : 1_000_000;
    const outArg = args.indexOf('--out');
    const out = outArg >= 0 ? (args[outArg + 1] ?? '') : '.tmp/bench/store-startup.json';
    const result = args.includes('--events')
      ? await runEventsRestartBench(quads)
      : await runStoreStartupBench(quads, { restartOnly: args.includes('--restart-only') });
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.table(
      Object.entries(result).map(([figure, value]) => ({
        figure,
        value: Array.isArray(value) ? value.join(' ') : value,
      })),
    );
    console.log(`Written to ${out}`);
  }
}
