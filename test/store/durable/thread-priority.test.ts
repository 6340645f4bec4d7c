import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';

/** A thread's nice value as /proc says it (field 19 of its stat line), read in that thread: the worker's copy. */
const READ_NICE = `readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1].split(' ')[16]`;

/** The same reading on the test's own thread. */
function procNice(): string | undefined {
  return readFileSync('/proc/thread-self/stat', 'utf8').split(') ')[1]?.split(' ')[16];
}

/** Runs lowerThreadPriority(nice) in a fresh worker thread; answers what it returned and what /proc then says. */
function inWorker(
  nice: number,
): Promise<{ returned: number | null; proc: string; mainProc: string | undefined }> {
  const source = `
    import { readFileSync } from 'node:fs';
    import { parentPort, workerData } from 'node:worker_threads';
    const { register } = await import(workerData.tsx);
    register();
    const { lowerThreadPriority } = await import(workerData.module);
    const returned = lowerThreadPriority(workerData.nice) ?? null;
    parentPort.postMessage({ returned, proc: ${READ_NICE} });
  `;
  const module = new URL('../../../src/store/durable/thread-priority.ts', import.meta.url).href;
  const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(source)}`), {
    workerData: {
      module,
      nice,
      tsx: pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href,
    },
  });
  return new Promise((resolve, reject) => {
    worker.once('message', (answer: { returned: number | null; proc: string }) => {
      const mainProc = procNice();
      void worker.terminate();
      resolve({ ...answer, mainProc });
    });
    worker.once('error', reject);
  });
}

describe.runIf(process.platform === 'linux')('lowerThreadPriority', () => {
  it('lowers the calling thread only, and answers the nice value the kernel reports', async () => {
    const before = procNice();
    expect(before).toMatch(/^-?\d+$/);
    const { returned, proc, mainProc } = await inWorker(10);
    expect(returned).toBe(10);
    expect(proc).toBe('10');
    // The thread that started it keeps its priority.
    expect(mainProc).toBe(before);
  });
});
