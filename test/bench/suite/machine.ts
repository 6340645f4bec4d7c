import { cpus, totalmem } from 'node:os';

/** The machine a benchmark ran on, recorded with its figures. */
export function benchMachine(): { cpus: number; cpu: string | undefined; memoryGiB: number; node: string } {
  return {
    cpus: cpus().length,
    cpu: cpus()[0]?.model,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
  };
}
