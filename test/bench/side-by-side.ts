// Two commits side by side in one run (not part of npm test):
//   node --import tsx test/bench/side-by-side.ts [--base main] [--rounds 2] [--workers 1000] [--seconds 8]
// Extracts the base commit's tree into a temporary directory (git archive; this checkout's node_modules linked),
// then runs the client benchmark (capture-overhead.ts --quick) and the load generator (load-generator.ts at
// `--workers`) in the base and in this tree, alternately, `--rounds` times each, so both see the same machine load.
// Writes every run's JSON and the medians to test/bench/results/side-by-side.json.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const { values: args } = parseArgs({
  options: {
    base: { type: 'string', default: 'main' },
    rounds: { type: 'string', default: '2' },
    workers: { type: 'string', default: '1000' },
    seconds: { type: 'string', default: '8' },
    out: { type: 'string', default: join(here, 'results', 'side-by-side.json') },
  },
});

const git = (...argv: string[]): string => execFileSync('git', argv, { cwd: root, encoding: 'utf8' }).trim();

function extract(commit: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'provml-base-'));
  execFileSync('sh', ['-c', `git archive ${commit} | tar -x -C ${dir}`], { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

interface Run {
  tree: 'base' | 'head';
  bench: string;
  result: Record<string, unknown>;
  load: [number, number];
}

function bench(tree: Run['tree'], dir: string, script: string, extra: string[]): Run {
  const out = join(tmpdir(), `provml-side-${tree}-${script}-${Date.now()}.json`);
  const load = loadavg()[0] as number;
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(dir, 'test/bench', script), ...extra, '--out', out],
    { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'], timeout: 15 * 60_000 },
  );
  if (run.status !== 0) throw new Error(`${tree} ${script} exited with ${run.status ?? run.signal}`);
  const result = JSON.parse(readFileSync(out, 'utf8')) as Record<string, unknown>;
  rmSync(out, { force: true });
  return { tree, bench: script, result, load: [load, loadavg()[0] as number] };
}

const median = (values: number[]): number =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;

function summary(runs: Run[], tree: Run['tree']) {
  const mine = runs.filter((run) => run.tree === tree);
  const capture = mine.filter((run) => run.bench === 'capture-overhead.ts').map((run) => run.result);
  const load = mine.filter((run) => run.bench === 'load-generator.ts').map((run) => run.result);
  const allIn = (batch: number, field: string) =>
    median(
      capture.map(
        (result) =>
          ((result.allIn as Array<Record<string, number>>).find((row) => row.batch === batch)?.[field] ??
            Number.NaN) as number,
      ),
    );
  const level = (field: string) =>
    median(load.map((result) => (result.levels as Array<Record<string, number>>)[0]?.[field] as number));
  const call = (name: string) =>
    median(
      capture.map(
        (result) =>
          (result.calls as Array<{ call: string; ns: number }>).find((c) => c.call === name)?.ns as number,
      ),
    );
  return {
    logMetricNs: call('logMetric'),
    allIn500: {
      callUs: allIn(500, 'callUs'),
      deliveryUs: allIn(500, 'deliveryUs'),
      allInUs: allIn(500, 'allInUs'),
    },
    allIn100: {
      callUs: allIn(100, 'callUs'),
      deliveryUs: allIn(100, 'deliveryUs'),
      allInUs: allIn(100, 'allInUs'),
    },
    perStringify500: allIn(500, 'perStringify'),
    shareAt1000PerS: (1000 * allIn(500, 'allInUs')) / 1e4,
    shareAt100PerS: (100 * allIn(100, 'allInUs')) / 1e4,
    ingest: {
      ackedEventsPerSecond: level('ackedEventsPerSecond'),
      p50Ms: level('p50Ms'),
      p99Ms: level('p99Ms'),
      serverCpuUsPerEvent: level('serverCpuUsPerEvent'),
      serverCpuPercent: level('serverCpuPercent'),
      errors: level('errors'),
      missingAcknowledged: level('missingAcknowledged'),
    },
  };
}

async function main(): Promise<void> {
  const baseCommit = git('rev-parse', '--short', args.base as string);
  const headCommit = git('rev-parse', '--short', 'HEAD');
  const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
  const baseDir = extract(baseCommit);
  const runs: Run[] = [];
  const loadArgs = ['--workers', args.workers as string, '--seconds', args.seconds as string];
  try {
    for (let round = 0; round < Number(args.rounds); round++)
      for (const [tree, dir] of [
        ['base', baseDir],
        ['head', root],
      ] as const) {
        runs.push(bench(tree, dir, 'capture-overhead.ts', ['--quick']));
        runs.push(bench(tree, dir, 'load-generator.ts', loadArgs));
        console.error(`round ${round + 1}: ${tree} done (load ${loadavg()[0]?.toFixed(1)})`);
      }
  } finally {
    rmSync(baseDir, { recursive: true, force: true });
  }
  const result = {
    benchmark: 'side-by-side',
    date: new Date().toISOString(),
    base: baseCommit,
    head: `${headCommit}${dirty ? ' (with uncommitted changes)' : ''}`,
    node: process.version,
    rounds: Number(args.rounds),
    workers: Number(args.workers),
    secondsPerLevel: Number(args.seconds),
    summary: { base: summary(runs, 'base'), head: summary(runs, 'head') },
    runs,
  };
  mkdirSync(dirname(args.out as string), { recursive: true });
  writeFileSync(args.out as string, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result.summary, null, 2));
  console.log(`written ${args.out}`);
}

await main();
