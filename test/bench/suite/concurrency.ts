import { fileURLToPath } from 'node:url';
import type { BenchArgs } from './args.ts';
import { runBenchScript } from './child-script.ts';

const SCRIPT = fileURLToPath(new URL('../load-generator.ts', import.meta.url));

/** Group 5: concurrent workers posting small batches to a `provml serve` process (test/bench/load-generator.ts). */
export async function concurrencyGroup(args: BenchArgs, notes: string[]): Promise<unknown> {
  const raw = await runBenchScript<{ levels: unknown[] }>(SCRIPT, args.quick ? ['--quick'] : [], 20 * 60_000);
  notes.push(
    'simulated workers in 2 processes, each posting 5 evaluation events every 500 ms and waiting for the answer (closed loop), to a provml serve process over loopback; every acknowledged event is then looked up in the store',
  );
  return raw;
}
