import type { WriteOp } from '../engine.ts';
import {
  encodeRecord as encodeFrame,
  type ReadResult,
  readRecordAt as readFrameAt,
  readRecords,
} from '../record-log/index.ts';

// A log record of the durable store: a record-log frame whose payload is `{"seq":n,"op":<WriteOp>}`.

export interface LogRecord {
  seq: number;
  op: WriteOp;
}

/** A checksummed payload without an op is not a record of this log. */
export const isLogRecord = (value: Record<string, unknown>): boolean =>
  typeof value.op === 'object' && value.op !== null;

export function encodeRecord(seq: number, op: WriteOp): Buffer {
  return encodeFrame(seq, { op });
}

/** Reads the record at `offset` of an open segment; undefined at a clean end of file. */
export function readRecordAt(fd: number, offset: number, size: number): ReadResult<LogRecord> {
  return readFrameAt<LogRecord>(fd, offset, size, isLogRecord);
}

/** Iterates the records of a segment file; throws on damage (the main thread has already repaired the tail). */
export function readSegment(path: string): Generator<LogRecord> {
  return readRecords<LogRecord>(path, isLogRecord);
}
