// The client's all-in CPU per event, a base commit and this tree side by side in one run (not part of npm test):
//   node --import tsx test/bench/capture-overhead-compare.ts [--base main] [--rounds 3] [--events 20000]
//        [--batches 500,100] [--stub]
// Extracts the base commit's tree (git archive; this checkout's node_modules linked), starts ONE server (`provml
// serve` of this tree on a temporary data dir; --stub: a minimal endpoint that answers at once, for the client's
// cost alone), then runs capture-overhead-allin.ts against it for the base's client and this tree's, alternately,
// `--rounds` times each: the same measuring code, the same server, the same machine load. Figures are process CPU
// (user + system, every thread), never wall time. Writes test/bench/results/capture-overhead-compare.json.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startServeProcess } from '../support/serve-process.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { values: args } = parseArgs({
  options: {
    base: { type: 'string', default: 'main' },
    rounds: { type: 'string', default: '3' },
    events: { type: 'string', default: '20000' },
    batches: { type: 'string', default: '500,100' },
    stub: { type: 'boolean', default: false },
    'serve-stub': { type: 'boolean', default: false },
    out: { type: 'string', default: join(here, 'results', 'capture-overhead-compare.json') },
  },
});

const git = (...argv: string[]): string => execFileSync('git', argv, { cwd: root, encoding: 'utf8' }).trim();

interface Row {
  batch: number;
  callUs: number;
  deliveryUs: number;
  allInUs: number;
  systemUs: number;
}

/** An events endpoint that counts the lines and answers 202 at once (in this process: its CPU is not counted). */
async function stubServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    let events = 0;
    req.on('data', (chunk: Buffer) => {
      for (const byte of chunk) if (byte === 0x0a) events += 1;
    });
    req.on('end', () => {
      res.writeHead(202, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ events, triples: 0 }));
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((done) => server.close(() => done())) };
}

async function realServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provml-compare-server-'));
  const serve = await startServeProcess(['--port', '0', '--data', dataDir], {
    env: { ...process.env, PROVML_LOG_LEVEL: 'warn', PROVML_TOKEN: '' },
  });
  return {
    url: serve.url,
    close: async () => {
      await serve.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** The stub runs in a child so that its CPU is not this process's either way (children are measured apart). */
async function stubProcess(): Promise<{ url: string; close: () => Promise<void> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve-stub'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  return {
    url: line.toString().trim(),
    close: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

function measure(client: string, url: string): Row[] {
  const run = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, 'capture-overhead-allin.ts'),
      '--client',
      client,
      '--url',
      url,
      '--events',
      args.events as string,
      '--batches',
      args.batches as string,
    ],
    { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: 30 * 60_000 },
  );
  if (run.status !== 0) throw new Error(`capture-overhead-allin.ts exited with ${run.status ?? run.signal}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) as string) as Row[];
}

const median = (values: number[]): number =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;

async function main(): Promise<void> {
  const baseCommit = git('rev-parse', '--short', args.base as string);
  const headCommit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const baseDir = mkdtempSync(join(tmpdir(), 'provml-base-'));
  execFileSync('sh', ['-c', `git archive ${baseCommit} | tar -x -C ${baseDir}`], { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(baseDir, 'node_modules'));
  const trees = { base: join(baseDir, 'src/client/index.ts'), head: join(root, 'src/client/index.ts') };
  const server = args.stub ? await stubProcess() : await realServer();
  const runs: Array<{ tree: keyof typeof trees; round: number; load: number; rows: Row[] }> = [];
  try {
    for (let round = 0; round < Number(args.rounds); round++)
      // The order flips every round: the one server's store grows with each run, which must not favour a side.
      for (const tree of round % 2 === 0 ? (['base', 'head'] as const) : (['head', 'base'] as const)) {
        const load = loadavg()[0] as number;
        const rows = measure(trees[tree], server.url);
        runs.push({ tree, round, load, rows });
        // Each run as it ends: a long run on a loaded machine keeps what it measured if it is stopped.
        console.error(`round ${round + 1}: ${tree} (load ${load.toFixed(1)}) ${JSON.stringify(rows)}`);
      }
  } finally {
    await server.close();
    rmSync(baseDir, { recursive: true, force: true });
  }
  const summary = (tree: keyof typeof trees) =>
    (args.batches as string).split(',').map((text) => {
      const batch = Number(text);
      const rows = runs
        .filter((run) => run.tree === tree)
        .map((run) => run.rows.find((row) => row.batch === batch));
      const field = (name: keyof Row) => median(rows.map((row) => (row?.[name] ?? Number.NaN) as number));
      return {
        batch,
        callUs: field('callUs'),
        deliveryUs: field('deliveryUs'),
        allInUs: field('allInUs'),
        systemUs: field('systemUs'),
      };
    });
  const result = {
    benchmark: 'capture-overhead-compare',
    date: new Date().toISOString(),
    base: baseCommit,
    head: `${headCommit}${dirty ? ' (with uncommitted changes)' : ''}`,
    node: process.version,
    server: args.stub ? 'stub (answers at once)' : 'provml serve',
    events: Number(args.events),
    rounds: Number(args.rounds),
    summary: { base: summary('base'), head: summary('head') },
    runs,
  };
  mkdirSync(dirname(args.out as string), { recursive: true });
  writeFileSync(args.out as string, `${JSON.stringify(result, null, 2)}\n`);
  console.log('µs of client process CPU per event (median of the rounds)');
  for (const tree of ['base', 'head'] as const) {
    console.log(`${tree} (${tree === 'base' ? baseCommit : result.head})`);
    console.table(result.summary[tree]);
  }
  console.log(`written ${args.out}`);
}

if (args['serve-stub']) {
  const { url } = await stubServer();
  console.log(url);
} else await main();
