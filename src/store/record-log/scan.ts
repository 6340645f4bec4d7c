import { closeSync, fstatSync, openSync } from 'node:fs';
import {
  type BadRecord,
  HEADER_BYTES,
  looksTorn,
  type RecordCheck,
  readRecordAt,
  type StoredRecord,
  validRecordFollows,
} from './frame.ts';

/** Where a record sits in its file (the payload is `length` bytes after the header at `offset`). */
export interface RecordEntry {
  seq: number;
  offset: number;
  length: number;
}

/** Why a file cannot be read to its end. */
export type Damage =
  /** What a crash during a write leaves at the very end: never acknowledged, so cutting it off is safe. */
  | (BadRecord & { torn: true })
  /** Damage to written data, which may have been acknowledged: someone must decide. */
  | (BadRecord & { torn: false; validFollows: boolean })
  /** A record whose sequence number breaks the order. */
  | { offset: number; kind: 'misnumbered'; seq: number; expected: number; torn: false };

export interface ScanOptions {
  /** The sequence number the first record must have (unset: any). */
  firstSeq?: number;
  /** Records numbered one by one (a gap is damage); otherwise the numbers need only increase. */
  contiguous?: boolean;
  /** More of the log follows in another file: damage here is never a torn tail. */
  followedByMore?: boolean;
  check?: RecordCheck;
  onRecord?: (record: StoredRecord, entry: RecordEntry) => void;
}

export interface FileScan {
  /** Where the intact records end (the size of the file when nothing is wrong). */
  end: number;
  size: number;
  /** The last intact record's sequence number, if any. */
  lastSeq?: number;
  damage?: Damage;
}

/** Reads a file of records up to its end or its first damage, saying which kind of damage it is. */
export function scanRecords(fd: number, options: ScanOptions = {}): FileScan {
  const size = fstatSync(fd).size;
  let offset = 0;
  let lastSeq: number | undefined;
  for (;;) {
    const result = readRecordAt(fd, offset, size, options.check);
    if (!result) return { end: offset, size, lastSeq };
    if ('bad' in result) {
      const { bad } = result;
      const validFollows = validRecordFollows(fd, offset, size, options.check);
      const last = !options.followedByMore && !validFollows;
      const damage: Damage =
        last && looksTorn(fd, bad, size) ? { ...bad, torn: true } : { ...bad, torn: false, validFollows };
      return { end: offset, size, lastSeq, damage };
    }
    const { seq } = result.record;
    const expected = lastSeq === undefined ? options.firstSeq : lastSeq + 1;
    const outOfOrder =
      expected !== undefined &&
      (options.contiguous || lastSeq === undefined ? seq !== expected : seq < expected);
    if (outOfOrder) {
      return {
        end: offset,
        size,
        lastSeq,
        damage: { offset, kind: 'misnumbered', seq, expected: expected as number, torn: false },
      };
    }
    options.onRecord?.(result.record, { seq, offset, length: result.end - offset - HEADER_BYTES });
    lastSeq = seq;
    offset = result.end;
  }
}

/** Iterates the records of a file already checked at start-up; throws on damage. */
export function* readRecords<R extends StoredRecord>(path: string, check?: RecordCheck): Generator<R> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let offset = 0;
    for (;;) {
      const result = readRecordAt<R>(fd, offset, size, check);
      if (!result) return;
      if ('bad' in result)
        throw new Error(`Log segment ${path} is damaged at byte ${offset}: ${result.bad.reason}.`);
      yield result.record;
      offset = result.end;
    }
  } finally {
    closeSync(fd);
  }
}
