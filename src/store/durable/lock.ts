import { closeSync, ftruncateSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { tryLock, unlock } from 'fs-native-extensions';
import { ProvmlError } from '../../errors.ts';

/** Another live process (or this one) holds the data directory. */
export class StoreLockedError extends ProvmlError {
  constructor(dir: string, pid: number | undefined) {
    const who =
      pid === process.pid
        ? 'this process (the store is already open)'
        : pid
          ? `process ${pid}`
          : 'another process';
    super(
      'Locked',
      `The data directory ${dir} is in use by ${who}. Stop that process, or give this one another data directory (--data / PROVML_DATA).`,
    );
  }
}

/**
 * Guards a data directory with a kernel lock on its LOCK file (an open-file-description lock on
 * Linux, flock elsewhere), held through a descriptor that stays open for the store's life. The kernel
 * drops the lock when the descriptor closes, so a process killed with SIGKILL, or the container's PID 1
 * after an OOM kill, never leaves a lock behind; nothing guesses from pids. The pid written into the
 * file only names the holder in the refusal message. The file itself is never removed: removing it
 * would let a second process lock a fresh file while a third still held the old one.
 */
export function acquireLock(dir: string): () => void {
  const path = join(dir, 'LOCK');
  const fd = openSync(path, 'a+');
  let locked: boolean;
  try {
    locked = tryLock(fd);
  } catch (error) {
    closeSync(fd);
    throw error;
  }
  if (!locked) {
    closeSync(fd);
    throw new StoreLockedError(dir, holderPid(path));
  }
  ftruncateSync(fd, 0);
  writeSync(fd, String(process.pid), 0);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    unlock(fd);
    closeSync(fd);
  };
}

function holderPid(path: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}
