import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import type { Position } from './ingest-read.ts';

/** What `<file>.provml-progress` records: how far the server has acknowledged the file. */
export interface Progress extends Position {
  url: string;
  format: string;
  events: number;
  triples: number;
}

export const progressPath = (file: string): string => `${file}.provml-progress`;

/** The saved progress for this file, server and format, if any (a different target starts over). */
export async function loadProgress(
  file: string,
  url: string,
  format: string,
  fileSize: number,
): Promise<Progress | undefined> {
  let saved: Partial<Progress>;
  try {
    saved = JSON.parse(await readFile(progressPath(file), 'utf8')) as Partial<Progress>;
  } catch {
    return undefined;
  }
  const usable =
    saved.url === url &&
    saved.format === format &&
    typeof saved.offset === 'number' &&
    typeof saved.line === 'number' &&
    saved.offset <= fileSize;
  return usable ? (saved as Progress) : undefined;
}

/** Written after each acknowledged batch; write-then-rename, so a crash leaves the old or the new record. */
export async function saveProgress(file: string, progress: Progress): Promise<void> {
  const path = progressPath(file);
  await writeFile(`${path}.tmp`, `${JSON.stringify(progress)}\n`);
  await rename(`${path}.tmp`, path);
}

export async function clearProgress(file: string): Promise<void> {
  await rm(progressPath(file), { force: true });
}
