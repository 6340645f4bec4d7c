import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import type { OxigraphEngine } from '../engine.ts';
import { fsyncDir, snapshotPath } from './files.ts';
import type { SnapshotOutcome } from './protocol.ts';

/**
 * Writes the engine's state as N-Quads, graph by graph, atomically: a temporary file is filled and
 * fsync'ed, then renamed over the final name and the directory fsync'ed. A crash leaves either the
 * previous snapshot set or the complete new snapshot, never a half-written one under the real name.
 */
export function writeSnapshot(engine: OxigraphEngine, dir: string, seq: number): SnapshotOutcome {
  const path = snapshotPath(dir, seq);
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  let bytes = 0;
  try {
    for (const chunk of engine.dumpChunks()) bytes += writeAll(fd, Buffer.from(chunk, 'utf8'));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  fsyncDir(dir);
  return { path, quads: engine.size, bytes };
}

function writeAll(fd: number, buffer: Buffer): number {
  for (let offset = 0; offset < buffer.length; )
    offset += writeSync(fd, buffer, offset, buffer.length - offset);
  return buffer.length;
}

export interface SnapshotReading {
  /** Lines handed to the parser so far (one quad per line). */
  lines: number;
  /** True when reading stopped at `maxLines` before the end of the file. */
  truncated: boolean;
}

const CHUNK_BYTES = 8 << 20;

/**
 * The snapshot's bytes in pieces cut at line ends, for one streaming parse. With `maxLines`, reading
 * stops at the first piece that reaches it, so a snapshot too big for the size ceiling is only
 * partly loaded instead of exhausting memory.
 */
export function* readSnapshot(
  path: string,
  progress: SnapshotReading,
  maxLines = Number.POSITIVE_INFINITY,
): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let carry = Buffer.alloc(0);
    for (let offset = 0; offset < size; ) {
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, size - offset));
      offset += readSync(fd, chunk, 0, chunk.length, offset);
      const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const cut = offset < size ? data.lastIndexOf(0x0a) + 1 : data.length;
      carry = data.subarray(cut);
      const piece = data.subarray(0, cut);
      progress.lines += countLines(piece);
      yield piece;
      if (progress.lines > maxLines && offset < size) {
        progress.truncated = true;
        return;
      }
    }
  } finally {
    closeSync(fd);
  }
}

function countLines(data: Buffer): number {
  let lines = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) lines++;
  return lines;
}
