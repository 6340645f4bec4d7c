// Load generator (not part of npm test; `npm run bench -- --groups concurrency`, or directly):
//   node --import tsx test/bench/load-generator.ts [--workers 10,100,1000] [--processes 2] [--seconds 10]
//        [--batch 5] [--period-ms 500] [--cpu-prof] [--quick] [--out file.json]
// Starts `provml serve` in its own process on a temporary data directory (loopback only), then for each number of
// simulated workers runs them in a few processes (test/bench/load-worker.ts), each worker posting `batch`
// evaluation events every `period-ms` (5 per 500 ms = 10 events/s per worker). Reports acknowledged events/s,
// acknowledgement latency p50/p99/max, errors, the server's CPU (from /proc, every thread) and peak RSS, and
// checks at the end that every acknowledged event is in the store. Bounded: a fixed duration per level.
// Workers wait for each answer before their next batch (closed loop): an overloaded server shows as a lower
// acknowledged rate and longer latencies, not as a growing queue.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluationIri } from '../../src/translate/index.ts';
import { provml } from '../../src/vocab.ts';
import { startServeProcess } from '../support/serve-process.ts';
import type { WorkerReport } from './load-worker.ts';
import { gitCommit } from './suite/commit.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '10,100,1000' },
    processes: { type: 'string', default: '2' },
    seconds: { type: 'string' },
    batch: { type: 'string', default: '5' },
    'period-ms': { type: 'string', default: '500' },
    'cpu-prof': { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: join(here, 'results', 'load-generator.json') },
  },
});
const levels = (args.workers ?? '').split(',').map(Number);
const processes = Number(args.processes);
const seconds = Number(args.seconds ?? (args.quick ? 5 : 15));
const batch = Number(args.batch);
const periodMs = Number(args['period-ms']);
const TICKS_PER_SECOND = 100; // Linux USER_HZ, the unit of /proc/<pid>/stat times

function procCpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND; // utime, stime
}

function procRssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

const round = (value: number, digits = 1): number => Math.round(value * 10 ** digits) / 10 ** digits;

async function storedEvaluations(url: string): Promise<Set<string>> {
  const query = `SELECT ?e WHERE { GRAPH ?g { ?e a <${provml('ModelEvaluation')}> } }`;
  const response = await fetch(`${url}/sparql`, {
    method: 'POST',
    headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
    body: query,
  });
  if (!response.ok) throw new Error(`verification query: HTTP ${response.status}`);
  const json = (await response.json()) as { results: { bindings: Array<{ e: { value: string } }> } };
  return new Set(json.results.bindings.map((binding) => binding.e.value));
}

async function runLevel(url: string, serverPid: number, workers: number, level: number) {
  const prefix = `load-${level}-${workers}`;
  const perProcess = Array.from(
    { length: Math.min(processes, workers) },
    (_, i) =>
      Math.floor(workers / Math.min(processes, workers)) +
      (i < workers % Math.min(processes, workers) ? 1 : 0),
  );
  let peakRss = procRssBytes(serverPid);
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, procRssBytes(serverPid));
  }, 250);
  const cpuBefore = procCpuSeconds(serverPid);
  const started = performance.now();
  const reports = await Promise.all(
    perProcess.map(async (count, p) => {
      const child = fork(
        join(here, 'load-worker.ts'),
        [JSON.stringify({ url, prefix: `${prefix}-p${p}`, workers: count, batch, periodMs, seconds })],
        { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] },
      );
      const [report] = (await once(child, 'message')) as [WorkerReport];
      await once(child, 'exit');
      return { report, prefix: `${prefix}-p${p}` };
    }),
  );
  const wallS = (performance.now() - started) / 1000;
  const cpuS = procCpuSeconds(serverPid) - cpuBefore;
  clearInterval(sampler);
  const latencies = reports.flatMap(({ report }) => report.latenciesMs).sort((a, b) => a - b);
  const acked = reports.reduce((sum, { report }) => sum + report.acked.length, 0);
  const stored = await storedEvaluations(url);
  let missing = 0;
  for (const { report, prefix: processPrefix } of reports)
    for (const id of report.acked) {
      const worker = id.slice(0, id.lastIndexOf('-e'));
      if (!worker.startsWith(processPrefix) || !stored.has(evaluationIri(worker, id))) missing += 1;
    }
  return {
    workers,
    processes: perProcess.length,
    offeredEventsPerSecond: Math.round((workers * batch * 1000) / periodMs),
    seconds: round(wallS),
    sent: reports.reduce((sum, { report }) => sum + report.sent, 0),
    acked,
    ackedEventsPerSecond: Math.round(acked / wallS),
    requests: latencies.length,
    p50Ms: round(quantile(latencies, 0.5)),
    p99Ms: round(quantile(latencies, 0.99)),
    maxMs: round(latencies.at(-1) ?? Number.NaN),
    errors: reports.reduce((sum, { report }) => sum + report.errors, 0),
    errorSamples: reports.flatMap(({ report }) => report.errorSamples).slice(0, 3),
    serverCpuPercent: round((cpuS / wallS) * 100),
    serverCpuUsPerEvent: acked > 0 ? round((cpuS * 1e6) / acked) : null,
    serverPeakRssMiB: round(peakRss / 2 ** 20),
    missingAcknowledged: missing,
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provml-load-'));
  const profileDir = join(dataDir, 'profile');
  const { child, url } = await startServeProcess(['--port', '0', '--data', join(dataDir, 'store')], {
    env: { ...process.env, PROVML_LOG_LEVEL: 'warn', PROVML_TOKEN: '' },
    nodeFlags: args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  });
  const pid = child.pid as number;
  const results = [];
  try {
    for (const [index, workers] of levels.entries()) {
      const result = await runLevel(url, pid, workers, index);
      results.push(result);
      console.error(
        `${workers} workers: ${result.ackedEventsPerSecond} acknowledged events/s of ${result.offeredEventsPerSecond} offered, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms, ${result.errors} errors, server CPU ${result.serverCpuPercent} %, RSS ${result.serverPeakRssMiB} MiB, ${result.missingAcknowledged} acknowledged events missing`,
      );
    }
  } finally {
    child.kill('SIGINT'); // a clean exit writes the CPU profile
    await once(child, 'exit');
  }
  const profiles = args['cpu-prof'] ? readdirSync(profileDir).map((name) => join(profileDir, name)) : [];
  const result = {
    benchmark: 'load-generator',
    date: new Date().toISOString(),
    commit: gitCommit(),
    node: process.version,
    batch,
    periodMs,
    secondsPerLevel: seconds,
    levels: results,
    cpuProfiles: profiles,
  };
  mkdirSync(dirname(args.out as string), { recursive: true });
  writeFileSync(args.out as string, `${JSON.stringify(result, null, 2)}\n`);
  console.table(results.map(({ errorSamples: _samples, sent: _sent, ...row }) => row));
  if (profiles.length > 0)
    console.log(`server CPU profile: ${profiles.join(', ')} (kept; the data dir is removed)`);
  else rmSync(dataDir, { recursive: true, force: true });
  if (profiles.length === 0) return;
  for (const entry of readdirSync(dataDir))
    if (entry !== 'profile') rmSync(join(dataDir, entry), { recursive: true, force: true });
}

await main();
