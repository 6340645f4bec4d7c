import { readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

// A background snapshot rebuilds the whole store (replay, then dump) beside the threads that serve: on a
// machine of two cores it took a third of the server's CPU in a ten-second run of 1,000 workers, and every write
// and query waited for a core while it ran. Linux keeps a nice value per thread, so the builder's thread can step
// aside for the engine and the HTTP thread and take what they leave. Nice 10 (a CFS weight of 110 against 1,024)
// still gives it about a tenth of a core the others want, so a snapshot finishes under a load that never pauses.

/** The nice value of a background snapshot's thread. */
export const BACKGROUND_NICE = 10;

/**
 * Lowers the calling thread's scheduling priority to `nice` (Linux: nice values are per thread). Answers the
 * thread's nice value as the kernel then reports it, or undefined where it could not be set (not Linux, no
 * /proc): the thread then keeps its priority.
 */
export function lowerThreadPriority(nice: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return undefined;
    setPriority(tid, nice);
    return getPriority(tid);
  } catch {
    return undefined;
  }
}
