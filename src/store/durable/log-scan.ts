import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, rmSync } from 'node:fs';
import { ProvmlError } from '../../errors.ts';
import { type DirEntry, listDataDir } from './files.ts';
import { readRecordAt, validRecordFollows } from './wal-format.ts';

/** The data directory cannot be recovered without losing acknowledged writes: a person must decide. */
export class StoreCorruptError extends ProvmlError {
  constructor(message: string) {
    super(500, message);
  }
}

export interface LogScan {
  /** The newest complete snapshot, if any. */
  snapshot?: DirEntry;
  /** Sequence number of the last intact record (or of the snapshot). */
  lastSeq: number;
  /** Log bytes written after the snapshot: how much work a restart replays. */
  bytesAfterSnapshot: number;
  warnings: string[];
}

/**
 * Checks every log segment (length, checksum, contiguous sequence numbers) before anything is applied.
 * A damaged record at the very end of the last segment is a write torn by a crash: it was never
 * acknowledged, so it is cut off with a warning. Damage anywhere else would silently lose acknowledged
 * writes, so it stops start-up with instructions.
 */
export function scanDataDir(dir: string): LogScan {
  const listing = listDataDir(dir);
  for (const temporary of listing.temporary) rmSync(temporary, { force: true });
  const snapshot = listing.snapshots.at(-1);
  const scan: LogScan = { snapshot, lastSeq: snapshot?.seq ?? 0, bytesAfterSnapshot: 0, warnings: [] };
  let expected: number | undefined;
  listing.segments.forEach((segment, index) => {
    expected ??= segment.seq;
    if (segment.seq !== expected) {
      throw new StoreCorruptError(
        `Log segment ${segment.path} starts at record ${segment.seq} but record ${expected} was expected: a segment is missing. Restore the data directory from a backup.`,
      );
    }
    const { lastSeq, bytes } = scanSegment(segment, index === listing.segments.length - 1, scan.warnings);
    if (segment.seq > (snapshot?.seq ?? 0)) scan.bytesAfterSnapshot += bytes;
    scan.lastSeq = Math.max(scan.lastSeq, lastSeq);
    expected = lastSeq + 1;
  });
  const first = listing.segments[0];
  if (first && first.seq > (snapshot?.seq ?? 0) + 1) {
    throw new StoreCorruptError(
      `Records ${(snapshot?.seq ?? 0) + 1} to ${first.seq - 1} are missing from ${dir}: neither a snapshot nor a log segment holds them. Restore the data directory from a backup.`,
    );
  }
  return scan;
}

function scanSegment(
  segment: DirEntry,
  isLast: boolean,
  warnings: string[],
): { lastSeq: number; bytes: number } {
  const fd = openSync(segment.path, 'r+');
  try {
    const size = fstatSync(fd).size;
    let offset = 0;
    let seq = segment.seq - 1;
    for (;;) {
      const result = readRecordAt(fd, offset, size);
      if (!result) return { lastSeq: seq, bytes: size };
      if ('record' in result && result.record.seq !== seq + 1) {
        throw new StoreCorruptError(
          `Log segment ${segment.path} holds record ${result.record.seq} at byte ${offset} where ${seq + 1} was expected. Restore the data directory from a backup.`,
        );
      }
      if ('bad' in result) {
        if (!isLast || validRecordFollows(fd, offset, size)) {
          throw new StoreCorruptError(
            `Log segment ${segment.path} is corrupt at byte ${offset} (${result.bad.reason}) and valid records follow, so this is not a torn last write. ` +
              `Restore the data directory from a backup; or, accepting the loss of record ${seq + 1} and everything after it, truncate that file to ${offset} bytes and remove later segments.`,
          );
        }
        warnings.push(
          `Dropped a torn last record of ${segment.path} at byte ${offset} (${result.bad.reason}); it was never acknowledged. Truncated the file from ${size} to ${offset} bytes.`,
        );
        ftruncateSync(fd, offset);
        fsyncSync(fd);
        return { lastSeq: seq, bytes: offset };
      }
      seq = result.record.seq;
      offset = result.end;
    }
  } finally {
    closeSync(fd);
  }
}
