import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { fsyncDir } from './files.ts';

// MANIFEST names the files a data directory must hold, so a missing one is noticed instead of being
// read as "less data". It is rewritten (temporary file, fsync, rename, fsync of the directory) only when
// a segment is created or a snapshot replaces older files: at open, at rotation, never per write.

/** At most this many records go into one segment, so a lost segment's sequence numbers are bounded. */
export const RECORDS_PER_SEGMENT = 1 << 24;

export interface ManifestData {
  format: 1;
  /** Sequence number of the snapshot the directory relies on (0: none). */
  snapshot: number;
  /** First sequence number of every segment the directory relies on, in order. */
  segments: number[];
  /** Records per segment when these segments were written (see RECORDS_PER_SEGMENT). */
  recordsPerSegment: number;
}

export const manifestPath = (dir: string): string => join(dir, 'MANIFEST');

/** The directory's manifest, or undefined when it has none (a new directory, or one of an older provml). */
export function readManifest(dir: string): ManifestData | undefined {
  const path = manifestPath(dir);
  if (!existsSync(path)) return undefined;
  const text = readFileSync(path, 'utf8');
  let value: Partial<ManifestData>;
  try {
    value = JSON.parse(text) as Partial<ManifestData>;
  } catch {
    throw new Error(`${path} is not valid JSON`);
  }
  const ok =
    value.format === 1 &&
    Number.isSafeInteger(value.snapshot) &&
    Number.isSafeInteger(value.recordsPerSegment) &&
    Array.isArray(value.segments) &&
    value.segments.every((seq) => Number.isSafeInteger(seq));
  if (!ok) throw new Error(`${path} does not describe a data directory`);
  return value as ManifestData;
}

export function writeManifest(dir: string, data: ManifestData): void {
  const path = manifestPath(dir);
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  try {
    writeSync(fd, `${JSON.stringify(data)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  fsyncDir(dir);
}

/** The manifest as the running store keeps it up to date. */
export class Manifest {
  constructor(
    private readonly dir: string,
    private data: ManifestData,
  ) {}

  get current(): Readonly<ManifestData> {
    return this.data;
  }

  /** Called once a new segment file exists and before any record is written into it. */
  segmentCreated(firstSeq: number): void {
    if (this.data.segments.includes(firstSeq)) return;
    this.save({ ...this.data, segments: [...this.data.segments, firstSeq] });
  }

  /** Called once snapshot `seq` is durable, before the files it covers are removed. */
  snapshotTaken(seq: number): void {
    this.save({ ...this.data, snapshot: seq, segments: this.data.segments.filter((first) => first > seq) });
  }

  private save(data: ManifestData): void {
    writeManifest(this.dir, data);
    this.data = data;
  }
}
