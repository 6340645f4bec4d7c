import { open, readFile, rename } from 'node:fs/promises';

// A cursor file names the last sequence number a reader of the log has finished with. It is replaced
// atomically (temporary file, fsync, rename): a crash leaves the old or the new value, never a mix, and
// an old value only makes the reader go over records it already handled (at-least-once).

/** The sequence number in the cursor file; 0 when there is none yet (or it cannot be read: start over). */
export async function readCursor(path: string): Promise<number> {
  try {
    const value = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isFinite(value) ? value : 0;
  } catch {
    return 0;
  }
}

export async function writeCursor(path: string, seq: number): Promise<void> {
  const temporary = `${path}.tmp`;
  const file = await open(temporary, 'w');
  try {
    await file.writeFile(`${seq}\n`);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}
