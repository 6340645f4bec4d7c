// Load generator (not part of npm test; `npm run bench -- --groups concurrency`, or directly):
//   node --import tsx test/bench/load-generator.ts [--workers 10,100,1000] [--processes 2] [--seconds 10]
//        [--batch 5] [--period-ms 500] [--cpu-prof] [--quick] [--server-root dir] [--virtuoso] [--out file.json]
//        [--server-log file] [--server-node-flags "--flag=value ..."]
// Starts `provml serve` in its own process on a temporary data directory (loopback only), then for each number of
// simulated workers runs them in a few processes (test/bench/load-worker.ts), each worker posting `batch`
// evaluation events every `period-ms` (5 per 500 ms = 10 events/s per worker). Reports acknowledged events/s,
// acknowledgement latency p50/p99/max, errors, the server's CPU (from /proc, every thread) and peak RSS, and
// checks at the end that every acknowledged event is in the store. Bounded: a fixed duration per level.
// Workers wait for each answer before their next batch (closed loop): an overloaded server shows as a lower
// acknowledged rate and longer latencies, not as a growing queue. The server's CPU is also split by thread
// (main thread, worker threads: the engine; libuv's pool: fsync; V8's helpers: GC), per acknowledged event.
// `--server-root`: serve from another checkout (e.g. a base commit extracted with git archive), driven by this
// generator, for side-by-side runs. `--cpu-prof`: the server's profiles, summarised over the load only.
// `--server-log`: the server's log (level warn: a failed background snapshot, an engine restart) is written there
// at the end. `--server-node-flags`: Node flags for the server's process (e.g. "--max-semi-space-size=64").
// `--virtuoso`: provml serves from a throw-away Virtuoso 7 (PROVML_STORE=sparql; 1,000,000 buffers,
// ~8 GiB). A batch is acknowledged once it is in provml's outbox, so the level also waits, after its load, until
// every acknowledged event is in Virtuoso (the verification query waits for the outbox, and is asked again on
// 503): `storedEventsPerSecond` is what reached the engine over the load and that wait, and Virtuoso's own CPU is
// reported beside provml's.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { evaluationIri } from '../../src/translate/index.ts';
import { provml } from '../../src/vocab.ts';
import type { startServeProcess as StartServeProcess } from '../support/serve-process.ts';
import { startVirtuoso, type VirtuosoServer } from '../support/virtuoso.ts';
import type { WorkerReport } from './load-worker.ts';
import { measuredCommit } from './suite/commit.ts';
import { summariseProfile } from './suite/cpu-profile.ts';
import { quantile, round as roundTo } from './suite/stats.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    workers: { type: 'string', default: '10,100,1000' },
    processes: { type: 'string', default: '2' },
    seconds: { type: 'string' },
    batch: { type: 'string', default: '5' },
    'period-ms': { type: 'string', default: '500' },
    'cpu-prof': { type: 'boolean', default: false },
    'server-node-flags': { type: 'string', default: '' },
    'server-root': { type: 'string' },
    quick: { type: 'boolean', default: false },
    virtuoso: { type: 'boolean', default: false },
    'server-log': { type: 'string' },
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

/**
 * Acknowledged events/s and latency quantiles per stretch of the run (a minute from 2 minutes on, else a tenth),
 * by when each acknowledgement came: a sustained run shows whether they hold as the store grows.
 */
function timeline(reports: WorkerReport[], startedAtMs: number, wallS: number) {
  const stretchS = wallS >= 120 ? 60 : Math.max(1, wallS / 10);
  const stretches = Array.from({ length: Math.max(1, Math.ceil(wallS / stretchS)) }, () => ({
    latencies: [] as number[],
    acked: 0,
  }));
  for (const report of reports)
    report.ackedAtMs.forEach((at, i) => {
      const index = Math.floor((at - startedAtMs) / 1000 / stretchS);
      const stretch = stretches[
        Math.min(Math.max(0, index), stretches.length - 1)
      ] as (typeof stretches)[number];
      stretch.latencies.push(report.latenciesMs[i] as number);
      stretch.acked += 1;
    });
  return stretches.map((stretch, i) => {
    const sorted = stretch.latencies.sort((a, b) => a - b);
    return {
      fromS: round(i * stretchS),
      ackedEventsPerSecond: Math.round((stretch.acked * batch) / stretchS),
      p50Ms: round(quantile(sorted, 0.5)),
      p99Ms: round(quantile(sorted, 0.99)),
      maxMs: round(sorted.at(-1) ?? Number.NaN),
    };
  });
}

type ThreadGroup = 'main' | 'workerThreads' | 'libuv' | 'v8' | 'other';

/** Seconds the main thread has spent runnable but waiting for a CPU (/proc/<pid>/schedstat, ns): machine load. */
function mainRunQueueSeconds(pid: number): number {
  try {
    return Number(readFileSync(`/proc/${pid}/task/${pid}/schedstat`, 'utf8').split(' ')[1]) / 1e9;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds of each thread group of a process (/proc/<pid>/task/<tid>: `comm` names the thread). */
function threadCpuSeconds(pid: number): Record<ThreadGroup, number> {
  const out: Record<ThreadGroup, number> = { main: 0, workerThreads: 0, libuv: 0, v8: 0, other: 0 };
  let tids: string[] = [];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const comm = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
      const fields = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      const group: ThreadGroup =
        Number(tid) === pid
          ? 'main'
          : comm === 'WorkerThread'
            ? 'workerThreads'
            : comm.startsWith('libuv')
              ? 'libuv'
              : comm.startsWith('V8')
                ? 'v8'
                : 'other';
      out[group] += seconds;
    } catch {
      // The thread ended between the listing and the read: its time is in no group (ended threads are rare here).
    }
  }
  return out;
}

function procRssBytes(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) * 1024 : 0;
}

/** Four significant digits: a rate, a latency, a size in MiB. */
const round = (value: number): number => roundTo(value, 4);

/** How long a remote store may take to receive what its outbox holds before the level gives up. */
const DRAIN_LIMIT_MS = 30 * 60_000;

async function storedEvaluations(url: string): Promise<Set<string>> {
  const query = `SELECT ?e WHERE { GRAPH ?g { ?e a <${provml('ModelEvaluation')}> } }`;
  const giveUpAt = Date.now() + DRAIN_LIMIT_MS;
  const ask = (): Promise<Response> =>
    fetch(`${url}/sparql`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
      body: query,
    });
  let response = await ask();
  // A 503 says the outbox has not reached the engine within the query time limit: ask again.
  while (response.status === 503 && Date.now() < giveUpAt) {
    await response.arrayBuffer();
    response = await ask();
  }
  if (!response.ok)
    throw new Error(`verification query: HTTP ${response.status}: ${(await response.text()).slice(0, 500)}`);
  const json = (await response.json()) as { results: { bindings: Array<{ e: { value: string } }> } };
  return new Set(json.results.bindings.map((binding) => binding.e.value));
}

async function runLevel(
  url: string,
  serverPid: number,
  workers: number,
  level: number,
  enginePid: number | undefined,
) {
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
  const engineCpuBefore = enginePid ? procCpuSeconds(enginePid) : 0;
  const threadsBefore = threadCpuSeconds(serverPid);
  const waitBefore = mainRunQueueSeconds(serverPid);
  const windowFrom = Number(process.hrtime.bigint() / 1000n);
  const startedAtMs = Date.now();
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
  const threadsAfter = threadCpuSeconds(serverPid);
  const waitS = mainRunQueueSeconds(serverPid) - waitBefore;
  const windowTo = Number(process.hrtime.bigint() / 1000n);
  clearInterval(sampler);
  const latencies = reports.flatMap(({ report }) => report.latenciesMs).sort((a, b) => a - b);
  const firstLatencies = reports.flatMap(({ report }) => report.firstLatenciesMs).sort((a, b) => a - b);
  const acked = reports.reduce((sum, { report }) => sum + report.acked.length, 0);
  const stored = await storedEvaluations(url);
  const drainS = (performance.now() - started) / 1000 - wallS;
  const engineCpuS = enginePid ? procCpuSeconds(enginePid) - engineCpuBefore : undefined;
  let missing = 0;
  for (const { report, prefix: processPrefix } of reports)
    for (const id of report.acked) {
      const worker = id.slice(0, id.lastIndexOf('-e'));
      if (!worker.startsWith(processPrefix) || !stored.has(evaluationIri(worker, id))) missing += 1;
    }
  const perEvent = (seconds: number): number | null => (acked > 0 ? round((seconds * 1e6) / acked) : null);
  const threadUsPerEvent = Object.fromEntries(
    (Object.keys(threadsAfter) as ThreadGroup[]).map((group) => [
      group,
      perEvent(threadsAfter[group] - threadsBefore[group]),
    ]),
  );
  const mainCpuPercent = round(((threadsAfter.main - threadsBefore.main) / wallS) * 100);
  return {
    window: [windowFrom, windowTo] as [number, number],
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
    firstBatchP50Ms: round(quantile(firstLatencies, 0.5)),
    firstBatchMaxMs: round(firstLatencies.at(-1) ?? Number.NaN),
    errors: reports.reduce((sum, { report }) => sum + report.errors, 0),
    errorSamples: reports.flatMap(({ report }) => report.errorSamples).slice(0, 3),
    serverCpuPercent: round((cpuS / wallS) * 100),
    serverCpuUsPerEvent: perEvent(cpuS),
    mainThreadCpuPercent: mainCpuPercent,
    /** Of the wall time, how much the server's main thread was ready to run but had no CPU (other processes). */
    mainThreadRunQueuePercent: round((waitS / wallS) * 100),
    serverCpuUsPerEventByThread: threadUsPerEvent,
    serverPeakRssMiB: round(peakRss / 2 ** 20),
    missingAcknowledged: missing,
    ...(enginePid
      ? {
          drainSeconds: round(drainS),
          storedEventsPerSecond: round(acked / (wallS + drainS)),
          engineCpuUsPerEvent: perEvent(engineCpuS ?? 0),
        }
      : {}),
    timeline: timeline(
      reports.map(({ report }) => report),
      startedAtMs,
      wallS,
    ),
  };
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provml-load-'));
  const profileDir = join(dataDir, 'profile');
  const serverRoot = args['server-root'];
  const serveProcess = serverRoot
    ? join(serverRoot, 'test/support/serve-process.ts')
    : join(here, '../support/serve-process.ts');
  const { startServeProcess } = (await import(serveProcess)) as {
    startServeProcess: typeof StartServeProcess;
  };
  const virtuoso: VirtuosoServer | undefined = args.virtuoso
    ? await startVirtuoso({ numberOfBuffers: 1_000_000, maxDirtyBuffers: 750_000 })
    : undefined;
  const engineEnv = virtuoso
    ? {
        PROVML_STORE: 'sparql',
        PROVML_SPARQL_QUERY_URL: virtuoso.sparqlUrl,
        PROVML_SPARQL_UPDATE_URL: virtuoso.sparqlUrl,
        PROVML_SPARQL_GSP_URL: virtuoso.graphStoreUrl,
      }
    : {};
  const serverLog = args['server-log'];
  const server = await startServeProcess(['--port', '0', '--data', join(dataDir, 'store')], {
    env: { ...process.env, PROVML_LOG_LEVEL: 'warn', PROVML_TOKEN: '', ...engineEnv },
    nodeFlags: [
      ...(args['server-node-flags'] ?? '').split(' ').filter((flag) => flag !== ''),
      ...(args['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : []),
    ],
  });
  const { child, url } = server;
  const pid = child.pid as number;
  const results = [];
  try {
    for (const [index, workers] of levels.entries()) {
      const result = await runLevel(url, pid, workers, index, virtuoso?.pid);
      results.push(result);
      console.error(
        `${workers} workers: ${result.ackedEventsPerSecond} acknowledged events/s of ${result.offeredEventsPerSecond} offered, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, max ${result.maxMs} ms (first batch of a worker: p50 ${result.firstBatchP50Ms} ms, max ${result.firstBatchMaxMs} ms), ${result.errors} errors, server CPU ${result.serverCpuPercent} % (main thread ${result.mainThreadCpuPercent} % running, ${result.mainThreadRunQueuePercent} % waiting for a CPU), ${result.serverCpuUsPerEvent} µs per acknowledged event ${JSON.stringify(result.serverCpuUsPerEventByThread)}, RSS ${result.serverPeakRssMiB} MiB, ${result.missingAcknowledged} acknowledged events missing`,
      );
      if ('drainSeconds' in result)
        console.error(
          `  in Virtuoso ${result.drainSeconds} s after the load: ${result.storedEventsPerSecond} stored events/s; Virtuoso's CPU ${result.engineCpuUsPerEvent} µs per event`,
        );
      for (const stretch of result.timeline)
        console.error(
          `  from ${stretch.fromS} s: ${stretch.ackedEventsPerSecond} acknowledged events/s, p50 ${stretch.p50Ms} ms, p99 ${stretch.p99Ms} ms, max ${stretch.maxMs} ms`,
        );
    }
  } finally {
    child.kill('SIGINT'); // a clean exit writes the CPU profile
    await once(child, 'exit');
    await virtuoso?.stop();
    if (serverLog) writeFileSync(serverLog, server.stderr());
  }
  const profiles = args['cpu-prof'] ? readdirSync(profileDir).map((name) => join(profileDir, name)) : [];
  // Over the load only (first level to last), one summary per thread's profile.
  const loadWindow: [number, number] | undefined =
    results.length > 0 ? [results[0]?.window[0] as number, results.at(-1)?.window[1] as number] : undefined;
  const profileSummaries = profiles.map((file) => summariseProfile(file, loadWindow));
  for (const summary of profileSummaries) {
    console.log(
      `\n${summary.file}: ${summary.sampledMs} ms sampled during the load, ${summary.idleMs} ms idle; top self time (% of busy):`,
    );
    for (const entry of summary.top)
      console.log(
        `  ${String(entry.busyPercent).padStart(5)} %  ${String(entry.selfMs).padStart(6)} ms  ${entry.fn}`,
      );
  }
  const result = {
    benchmark: 'load-generator',
    date: new Date().toISOString(),
    commit: serverRoot ? `server from ${serverRoot}` : measuredCommit(),
    serverNodeFlags: args['server-node-flags'] ?? '',
    engine: virtuoso ? 'Virtuoso 7 (PROVML_STORE=sparql)' : 'embedded Oxigraph',
    node: process.version,
    batch,
    periodMs,
    secondsPerLevel: seconds,
    levels: results,
    cpuProfiles: profiles,
    profileSummaries,
  };
  mkdirSync(dirname(args.out as string), { recursive: true });
  writeFileSync(args.out as string, `${JSON.stringify(result, null, 2)}\n`);
  console.table(
    results.map(
      ({
        errorSamples: _samples,
        sent: _sent,
        window: _window,
        serverCpuUsPerEventByThread: _t,
        timeline: _timeline,
        ...row
      }) => row,
    ),
  );
  if (profiles.length > 0)
    console.log(`server CPU profile: ${profiles.join(', ')} (kept; the data dir is removed)`);
  else rmSync(dataDir, { recursive: true, force: true });
  if (profiles.length === 0) return;
  for (const entry of readdirSync(dataDir))
    if (entry !== 'profile') rmSync(join(dataDir, entry), { recursive: true, force: true });
}

await main();
