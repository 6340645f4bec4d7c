import { linkSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ProvmlError } from '../../errors.ts';

/** Another live process owns the data directory. */
export class StoreLockedError extends ProvmlError {
  constructor(dir: string, pid: number) {
    const who = pid === process.pid ? 'this process (the store is already open)' : `process ${pid}`;
    super(
      503,
      `The data directory ${dir} is in use by ${who}. Stop that process, or give this one another data directory (--data / PROVML_DATA).`,
    );
  }
}

/**
 * Guards a data directory with a LOCK file holding the owner's pid, so two processes never append to the
 * same log. A lock whose process is gone (after a crash or kill -9) is stale and taken over.
 */
export function acquireLock(dir: string): () => void {
  const path = join(dir, 'LOCK');
  const mine = String(process.pid);
  // Written aside then linked into place, so nobody ever reads a LOCK that exists but is still empty.
  const staged = `${path}.${process.pid}`;
  writeFileSync(staged, mine);
  try {
    linkSync(staged, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const owner = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (Number.isInteger(owner) && owner > 0 && isAlive(owner)) {
      rmSync(staged, { force: true });
      throw new StoreLockedError(dir, owner);
    }
    // Stale: replace atomically, then check that no other process took it over at the same moment.
    renameSync(staged, path);
    const now = Number.parseInt(readFileSync(path, 'utf8'), 10);
    if (now !== process.pid) throw new StoreLockedError(dir, now);
  }
  rmSync(staged, { force: true });
  return () => {
    try {
      if (readFileSync(path, 'utf8') === mine) rmSync(path, { force: true });
    } catch {
      // Already gone: nothing to release.
    }
  };
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
