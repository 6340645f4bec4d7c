import { writeFileSync } from 'node:fs';
import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { ensureDataset, GENERATOR_VERSION } from './generate/index.ts';
import { type BenchArgs, type GroupName, parseArgs } from './suite/args.ts';
import { captureGroup } from './suite/capture.ts';
import { measuredCommit } from './suite/commit.ts';
import { concurrencyGroup } from './suite/concurrency.ts';
import { type GroupResult, perSize, progress, runGroup } from './suite/group.ts';
import { ingestionGroup } from './suite/ingestion.ts';
import { pythonGroup } from './suite/python.ts';
import { queryGroup } from './suite/queries.ts';
import { recoveryGroup } from './suite/recovery.ts';
import { printReport } from './suite/report.ts';
import { round } from './suite/stats.ts';

const GROUP_RUNNERS: Record<GroupName, (args: BenchArgs, notes: string[]) => Promise<unknown>> = {
  capture: captureGroup,
  concurrency: concurrencyGroup,
  ingestion: ingestionGroup,
  queries: queryGroup,
  recovery: recoveryGroup,
  python: pythonGroup,
};

async function main(): Promise<number> {
  let args: BenchArgs;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    return 2;
  }
  const started = performance.now();
  const meta = {
    date: new Date().toISOString(),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: round(totalmem() / 2 ** 30),
    freeMemoryGiB: round(freemem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((value) => round(value)),
    commit: measuredCommit(),
    /** Node's own flags for this run (the in-process servers of the ingestion group run with them). */
    nodeFlags: process.execArgv.filter((flag, i, all) => flag !== '--import' && all[i - 1] !== '--import'),
    generatorVersion: GENERATOR_VERSION,
    seed: args.seed,
    sizes: args.sizes,
  };
  process.stderr.write(
    `provml benchmarks: sizes ${args.sizes.join(', ')}; groups ${args.groups.join(', ')}; load average ${meta.loadAverageAtStart.join(' ')}\n`,
  );
  const datasets = await runGroup('data sets', async () =>
    perSize(args.sizes, async (size) => {
      const dataset = ensureDataset({ target: size, seed: args.seed, cacheDir: args.cacheDir });
      const { manifest } = dataset;
      progress(
        `${size}: ${manifest.triples} triples, ${manifest.events} events, ${manifest.workflows} workflow executions${dataset.cached ? ' (cached)' : ` (generated in ${round(manifest.generatedMs / 1000)} s)`}`,
      );
      return { size, dir: dataset.dir, cached: dataset.cached, ...manifest, facts: undefined };
    }),
  );
  const groups: Partial<Record<GroupName, GroupResult<unknown>>> = {};
  const snapshot = () => ({
    meta: {
      ...meta,
      loadAverageAtEnd: loadavg().map((value) => round(value)),
      seconds: round((performance.now() - started) / 1000),
    },
    datasets,
    groups,
  });
  for (const name of args.groups) {
    groups[name] = await runGroup(name, (notes) => GROUP_RUNNERS[name](args, notes));
    // Written after every group, so an interrupted long run keeps what it measured.
    writeFileSync(args.out, `${JSON.stringify(snapshot(), null, 2)}\n`);
  }
  const result = snapshot();
  printReport(result);
  process.stdout.write(`\nWritten to ${args.out}\n`);
  return 0;
}

// Child processes and servers are closed by the groups; exit explicitly so a stray timer cannot hold the run.
process.exit(await main());
