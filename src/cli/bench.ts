import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';

const SUITE = fileURLToPath(new URL('../../test/bench/run.ts', import.meta.url));

/**
 * `provml bench`: the benchmark suite of the source checkout (the same as `npm run bench`), in its own Node
 * process so its figures do not share this one's heap. Options after `--` go to the suite unchanged.
 */
export function registerBench(program: Command): void {
  program
    .command('bench')
    .description('Run the benchmark suite (needs the source checkout); e.g. provml bench -- --quick')
    .argument('[suiteArgs...]', 'options for the suite: --quick, --full, --sizes N,N, --groups …')
    .allowUnknownOption()
    .action(async (suiteArgs: string[]) => {
      if (!existsSync(SUITE))
        throw new Error(`The benchmark suite is not here (${SUITE}): run it from a clone of the repository.`);
      const child = spawn(process.execPath, ['--import', 'tsx', SUITE, ...suiteArgs], { stdio: 'inherit' });
      const code = await new Promise<number>((resolve) => child.once('exit', (exit) => resolve(exit ?? 1)));
      if (code !== 0) process.exitCode = code;
    });
}
