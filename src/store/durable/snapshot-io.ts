import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { OxigraphEngine } from '../engine.ts';
import { fsyncDir, snapshotPath } from './files.ts';
import type { SnapshotOutcome } from './protocol.ts';

// A snapshot is N-Quads between two comment lines (N-Quads parsers skip them):
//   # provml snapshot v1
//   …one quad per line…
//   # provml snapshot end seq=<seq> quads=<lines> bytes=<body bytes> crc32=<8 hex digits>
// The trailer lets a reader tell a complete snapshot from one cut short or changed on disk.
// A file without the header was written by an older provml: it has no trailer and cannot be checked.

export const SNAPSHOT_HEADER = '# provml snapshot v1\n';
const TRAILER = /^# provml snapshot end seq=(\d+) quads=(\d+) bytes=(\d+) crc32=([0-9a-f]{8})\n$/;
const TRAILER_MAX_BYTES = 160;

/** A snapshot cut short, changed, or otherwise not what was written. */
export class SnapshotDamagedError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`The snapshot ${path} is damaged: ${reason}.`);
    this.name = 'SnapshotDamagedError';
  }
}

/**
 * Writes the engine's state as N-Quads, in pieces, atomically: a temporary file is filled and
 * fsync'ed, then renamed over the final name and the directory fsync'ed. A crash leaves either the
 * previous snapshot set or the complete new snapshot, never a half-written one under the real name.
 */
export function writeSnapshot(engine: OxigraphEngine, dir: string, seq: number): SnapshotOutcome {
  const path = snapshotPath(dir, seq);
  const temporary = `${path}.tmp`;
  const fd = openSync(temporary, 'w');
  let bytes = 0;
  let lines = 0;
  let checksum = 0;
  try {
    writeAll(fd, Buffer.from(SNAPSHOT_HEADER));
    for (const chunk of engine.snapshotPages()) {
      const buffer = Buffer.from(chunk, 'utf8');
      bytes += writeAll(fd, buffer);
      lines += countLines(buffer);
      checksum = crc32(buffer, checksum);
    }
    writeAll(fd, Buffer.from(trailer(seq, lines, bytes, checksum)));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, path);
  fsyncDir(dir);
  return { path, quads: lines, bytes };
}

function trailer(seq: number, quads: number, bytes: number, checksum: number): string {
  return `# provml snapshot end seq=${seq} quads=${quads} bytes=${bytes} crc32=${checksum.toString(16).padStart(8, '0')}\n`;
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
  /** True for a snapshot of an older provml, which has no trailer to check it against. */
  legacy?: boolean;
  /** The damage found (also thrown, but the engine's loader wraps what it throws). */
  damage?: SnapshotDamagedError;
}

interface Expected {
  seq: number;
  quads: number;
  bytes: number;
  crc32: number;
  bodyStart: number;
}

/**
 * Reads the header and trailer of a snapshot (without reading its body). Undefined for an older
 * provml's snapshot (no header); throws SnapshotDamagedError when the header is there and the trailer
 * is not, or does not match the file.
 */
export function readSnapshotFrame(path: string, fd: number, seq: number): Expected | undefined {
  const size = fstatSync(fd).size;
  const head = Buffer.alloc(Math.min(size, SNAPSHOT_HEADER.length));
  readSync(fd, head, 0, head.length, 0);
  const tailLength = Math.min(size, TRAILER_MAX_BYTES);
  const tail = Buffer.alloc(tailLength);
  readSync(fd, tail, 0, tailLength, size - tailLength);
  const tailText = tail.toString('latin1');
  const lastLine = tailText.slice(tailText.lastIndexOf('\n', tailText.length - 2) + 1);
  const match = TRAILER.exec(lastLine);
  if (head.toString('latin1') !== SNAPSHOT_HEADER) {
    if (match) throw new SnapshotDamagedError(path, 'its first line is not the snapshot header');
    return undefined;
  }
  if (!match)
    throw new SnapshotDamagedError(
      path,
      `it does not end with its trailer line (cut short at ${size} bytes, or its end was changed)`,
    );
  const expected: Expected = {
    seq: Number(match[1]),
    quads: Number(match[2]),
    bytes: Number(match[3]),
    crc32: Number.parseInt(match[4] as string, 16),
    bodyStart: SNAPSHOT_HEADER.length,
  };
  if (expected.seq !== seq)
    throw new SnapshotDamagedError(path, `its trailer names record ${expected.seq}, its file name ${seq}`);
  if (expected.bodyStart + expected.bytes + lastLine.length !== size)
    throw new SnapshotDamagedError(
      path,
      `it is ${size} bytes long where its trailer says ${expected.bodyStart + expected.bytes + lastLine.length}`,
    );
  return expected;
}

const CHUNK_BYTES = 8 << 20;

/**
 * The snapshot's quads in pieces cut at line ends, for one streaming parse. With `maxLines`, the
 * pieces stop at the first one that reaches it, so a snapshot too big for the size ceiling is only
 * partly loaded instead of exhausting memory (the rest is still read, to check the checksum). The
 * checksum and quad count are checked at the end: the caller must consume the whole generator and
 * treat a SnapshotDamagedError as "nothing loaded can be trusted". With `unchecked`, a damaged
 * snapshot is read as it is (the user accepted the loss).
 */
export function* readSnapshot(...args: Parameters<typeof readCheckedSnapshot>): Generator<Uint8Array> {
  const [, , progress] = args;
  try {
    yield* readCheckedSnapshot(...args);
  } catch (error) {
    if (error instanceof SnapshotDamagedError) progress.damage = error;
    throw error;
  }
}

function* readCheckedSnapshot(
  path: string,
  seq: number,
  progress: SnapshotReading,
  maxLines = Number.POSITIVE_INFINITY,
  unchecked = false,
): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    let expected: Expected | undefined;
    try {
      expected = readSnapshotFrame(path, fd, seq);
    } catch (error) {
      if (!unchecked) throw error;
    }
    progress.legacy = expected === undefined;
    const size = fstatSync(fd).size;
    const start = expected?.bodyStart ?? 0;
    const end = expected ? start + expected.bytes : size;
    let carry = Buffer.alloc(0);
    let checksum = 0;
    let lines = 0;
    for (let offset = start; offset < end; ) {
      const chunk = Buffer.alloc(Math.min(CHUNK_BYTES, end - offset));
      offset += readSync(fd, chunk, 0, chunk.length, offset);
      checksum = crc32(chunk, checksum);
      lines += countLines(chunk);
      if (progress.truncated) continue;
      const data = carry.length ? Buffer.concat([carry, chunk]) : chunk;
      const cut = offset < end ? data.lastIndexOf(0x0a) + 1 : data.length;
      carry = data.subarray(cut);
      const piece = data.subarray(0, cut);
      progress.lines += countLines(piece);
      yield piece;
      if (progress.lines > maxLines && offset < end) progress.truncated = true;
    }
    if (!expected || unchecked) return;
    if (checksum !== expected.crc32)
      throw new SnapshotDamagedError(path, 'its checksum does not match its content (bytes were changed)');
    if (lines !== expected.quads)
      throw new SnapshotDamagedError(
        path,
        `it holds ${lines} lines where its trailer says ${expected.quads}`,
      );
  } finally {
    closeSync(fd);
  }
}

function countLines(data: Buffer): number {
  let lines = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) lines++;
  return lines;
}
