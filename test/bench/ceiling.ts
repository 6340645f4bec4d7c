// The largest data set the embedded store accepts, and what happens there (not part of npm test):
// a real `provml serve` process with the default configuration (PROVML_MAX_QUADS = 10^7) is fed the
// generated 10^7-triple lifecycle through `provml ingest` until it answers 507; then, at the limit, a catalog
// query, an export, a graph deletion and a new write are tried, and the process is killed (SIGKILL) and
// started again on the same data directory.
// Usage: node --import tsx test/bench/ceiling.ts [--size 1e7] [--max-quads N] [--out file.json]
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ingestFiles } from '../../src/cli/ingest-files.ts';
import { packageCatalog } from '../../src/query/index.ts';
import { workflowExecutionGraph } from '../../src/translate/index.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { ensureDataset } from './generate/index.ts';
import { measuredCommit } from './suite/commit.ts';
import { catalogParams } from './suite/query-params.ts';

const option = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};

interface Served extends ServeProcess {
  startMs: number;
}

async function serve(dataDir: string, maxQuads?: string): Promise<Served> {
  const started = performance.now();
  const env: NodeJS.ProcessEnv = { ...process.env, PROVML_DATA: dataDir, PROVML_PORT: '0', PROVML_TOKEN: '' };
  if (maxQuads) env.PROVML_MAX_QUADS = maxQuads;
  const server = await startServeProcess([], { env });
  return { ...server, startMs: Math.round(performance.now() - started) };
}

const rssMiB = (pid: number | undefined): number => {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024);
};

async function timedStatus(
  url: string,
  init?: RequestInit,
): Promise<{ status: number; ms: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url, init);
  const bytes = (await res.arrayBuffer()).byteLength;
  return { status: res.status, ms: Math.round(performance.now() - started), bytes };
}

interface Health {
  status: string;
  quads: number;
  graphs: number;
  readOnly: boolean;
}

/** /health once the store has applied everything (it answers "busy" while the engine catches up). */
async function settledHealth(url: string): Promise<Health & { settleMs: number }> {
  const started = performance.now();
  for (;;) {
    const health = (await (await fetch(`${url}/health`)).json()) as Health;
    if (health.status === 'ok') return { ...health, settleMs: Math.round(performance.now() - started) };
    if (performance.now() - started > 600_000) throw new Error(`/health still ${health.status} after 600 s`);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
}

const size = Number(option('--size') ?? 1e7);
const out = option('--out') ?? 'test/bench/results/ceiling.json';
const dataset = ensureDataset({ target: size });
const dataDir = mkdtempSync(join(tmpdir(), 'provml-ceiling-'));
const result: Record<string, unknown> = {
  date: new Date().toISOString(),
  commit: measuredCommit(),
  datasetTriples: dataset.manifest.triples,
};
try {
  const first = await serve(dataDir, option('--max-quads'));
  result.maxQuads = option('--max-quads') ?? 'default (10,000,000)';
  const started = performance.now();
  const events = join(dataset.dir, dataset.manifest.eventsFile);
  // Batches of 1,000 events until the first 507, then (resuming there) batches of 10 to fill the store up.
  const refusals: Array<{ batchEvents: number; status: number; message: string }> = [];
  for (const batchSize of [1000, 10]) {
    try {
      await ingestFiles([events], {
        url: first.url,
        batchSize,
        format: 'provml',
        restart: batchSize === 1000,
      });
      break;
    } catch (error) {
      const { status, message } = error as { status?: number; message: string };
      refusals.push({ batchEvents: batchSize, status: status ?? 0, message: message.slice(0, 400) });
      if (status !== 507) break;
    }
  }
  result.ingestSeconds = Math.round(performance.now() - started) / 1000;
  result.refusals = refusals;
  const atLimit = await settledHealth(first.url);
  result.atLimit = { ...atLimit, serverRssMiB: rssMiB(first.child.pid) };

  const catalog = await packageCatalog();
  const lineage = catalog.get('model-lineage');
  const params = catalogParams(lineage, dataset.manifest);
  const query = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  result.queryAtLimit = await timedStatus(`${first.url}/api/v1/queries/model-lineage?${query}`, {
    headers: { accept: 'application/sparql-results+json' },
  });
  const run = dataset.manifest.facts.runs[0];
  const graph = workflowExecutionGraph(run?.executionId ?? '');
  result.exportAtLimit = await timedStatus(`${first.url}/api/v1/export?graph=${encodeURIComponent(graph)}`);
  // 50 new workflow executions (about 400 quads: more than the room the 10-event batches left).
  const probe = (tag: string) =>
    Array.from({ length: 50 }, (_, i) =>
      JSON.stringify({
        type: 'workflow.started',
        schema: 'provml/1',
        id: `ceiling-${tag}-${i}.1`,
        time: '2026-01-01T00:00:00.000Z',
        workflowExecutionId: `ceiling-${tag}-${i}`,
        name: 'probe',
        user: 'bench',
      }),
    ).join('\n');
  const write = (tag: string) =>
    timedStatus(`${first.url}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: `${probe(tag)}\n`,
    });
  result.writeAtLimit = await write('at-limit');
  result.deleteGraphAtLimit = await timedStatus(`${first.url}/store?graph=${encodeURIComponent(graph)}`, {
    method: 'DELETE',
  });
  result.writeAfterDelete = await write('after-delete');

  first.child.kill('SIGKILL');
  await once(first.child, 'exit');
  const second = await serve(dataDir, option('--max-quads'));
  result.restartAfterKill = {
    startMs: second.startMs,
    ...(await settledHealth(second.url)),
    rssMiB: rssMiB(second.child.pid),
  };
  second.child.kill('SIGTERM');
  await once(second.child, 'exit');
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
console.log(JSON.stringify(result, null, 2));
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
process.exit(0); // undici keep-alive sockets would hold the process a few seconds more
