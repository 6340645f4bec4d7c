import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDurableStore } from '../../../src/store/index.ts';
import { tempDir } from './helpers.ts';

const HOLDER = fileURLToPath(new URL('../../fixtures/store/lock-holder.ts', import.meta.url));
const started: ChildProcess[] = [];
/** Holders run under `sleep`, not as our children: killing `sleep` alone would leave them running. */
const holders: number[] = [];

afterEach(() => {
  for (const pid of holders.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  for (const child of started.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/**
 * Runs the holder as the child of `sleep`, which never reaps it: once killed, the holder stays a
 * zombie whose pid is still "alive" to kill(pid, 0), as in a container whose PID 1 does not reap.
 */
async function holderUnderSleep(dir: string): Promise<{ pid: number; parent: ChildProcess }> {
  const script = `"${process.execPath}" --import tsx "${HOLDER}" "${dir}" & exec sleep 1000`;
  const parent = spawn('sh', ['-c', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  started.push(parent);
  let out = '';
  const pid = await new Promise<number>((resolve, reject) => {
    parent.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      const match = /ready (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    parent.once('exit', (code) => reject(new Error(`holder exited with ${code}`)));
  });
  holders.push(pid);
  return { pid, parent };
}

/** Until every thread of `pid` has exited (so its files are closed) and only its zombie remains. */
async function untilZombie(pid: number): Promise<void> {
  for (;;) {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    if (/^State:\s+Z/m.test(status) && /^Threads:\s+1$/m.test(status)) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

describe('data directory lock', () => {
  it('refuses a second open of the same directory while the first is open', async () => {
    const dir = tempDir();
    const first = await openDurableStore({ dir });
    await expect(openDurableStore({ dir })).rejects.toMatchObject({
      name: 'StoreLockedError',
      message: expect.stringMatching(/in use by this process/),
    });
    await first.close();
    const again = await openDurableStore({ dir });
    await again.close();
  });

  it('refuses a live second process, naming it', async () => {
    const dir = tempDir();
    const { pid } = await holderUnderSleep(dir);
    await expect(openDurableStore({ dir })).rejects.toMatchObject({
      name: 'StoreLockedError',
      message: expect.stringContaining(`The data directory ${dir} is in use by process ${pid}.`),
    });
  });

  it('opens at once after the holder is killed with SIGKILL, before it is reaped', async () => {
    const dir = tempDir();
    const { pid } = await holderUnderSleep(dir);
    process.kill(pid, 'SIGKILL');
    await untilZombie(pid);
    process.kill(pid, 0); // still "alive" to a pid check: the old LOCK guessed from exactly this
    const store = await openDurableStore({ dir });
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    await store.close();
  });

  it.each([
    ['PID 1 (a container restarted with the same pid)', 1],
    ['this very process (a new process given the old pid)', process.pid],
  ])('is not blocked by a stale LOCK naming %s', async (_name, pid) => {
    const dir = tempDir();
    writeFileSync(join(dir, 'LOCK'), String(pid));
    const store = await openDurableStore({ dir });
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    await store.close();
  });

  it('is not blocked by a stale LOCK naming an unrelated live process', async () => {
    const dir = tempDir();
    const unrelated = spawn('sleep', ['1000'], { stdio: 'ignore' });
    started.push(unrelated);
    await once(unrelated, 'spawn');
    process.kill(unrelated.pid as number, 0); // alive: the old LOCK refused to start here
    writeFileSync(join(dir, 'LOCK'), String(unrelated.pid));
    const store = await openDurableStore({ dir });
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    await store.close();
  });

  it('takes over a lock left by a process that no longer exists', async () => {
    const dir = tempDir();
    const gone = spawn(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    let pid = '';
    gone.stdout.on('data', (chunk) => {
      pid += chunk;
    });
    await once(gone, 'close');
    writeFileSync(join(dir, 'LOCK'), pid);
    const store = await openDurableStore({ dir });
    expect(readFileSync(join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid));
    await store.close();
  });
});
