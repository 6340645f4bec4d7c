import type { WriteOp } from '../engine.ts';
import {
  encodeRecord as encodeFrame,
  type ReadResult,
  readRecordAt as readFrameAt,
  readRecords,
  type StoredRecord,
} from '../record-log/index.ts';

// A log record of the durable store: a record-log frame whose header is `{"seq":n,"op":<WriteOp>}`, the op's
// text (a load's data, an update's SPARQL) in the frame's body. Records of provml before stop 24 hold the text
// inside the JSON; both read the same.

/** A logged write as read back: a load's data may be the body's bytes, which the engine parses as they are. */
export type LoggedOp =
  | Exclude<WriteOp, { op: 'load' | 'replaceGraph' }>
  | (Omit<Extract<WriteOp, { op: 'load' }>, 'data'> & { data: string | Buffer })
  | (Omit<Extract<WriteOp, { op: 'replaceGraph' }>, 'data'> & { data: string | Buffer });

export interface LogRecord {
  seq: number;
  op: LoggedOp;
}

/** A checksummed payload without an op is not a record of this log. */
export const isLogRecord = (value: Record<string, unknown>): boolean =>
  typeof value.op === 'object' && value.op !== null;

export function encodeRecord(seq: number, op: WriteOp): Buffer {
  switch (op.op) {
    case 'load':
    case 'replaceGraph': {
      const { data, ...header } = op;
      return encodeFrame(seq, { op: header }, data);
    }
    case 'update': {
      const { text, ...header } = op;
      return encodeFrame(seq, { op: header }, text);
    }
    case 'dropGraph':
      return encodeFrame(seq, { op });
  }
}

/** The op as the engine takes it (a body's bytes made text). */
export function writeOpOf(op: LoggedOp): WriteOp {
  if ((op.op === 'load' || op.op === 'replaceGraph') && typeof op.data !== 'string')
    return { ...op, data: op.data.toString('utf8') };
  return op as WriteOp;
}

/** Puts a record's body back into its op: bytes for data, text for an update. */
function withBody(stored: StoredRecord & { op?: Record<string, unknown> }): LogRecord {
  const { body, ...record } = stored;
  if (body === undefined) return record as LogRecord;
  const op = { ...record.op };
  if (op.op === 'update') op.text = body.toString('utf8');
  else op.data = body;
  return { seq: record.seq, op: op as LoggedOp };
}

/** Reads the record at `offset` of an open segment; undefined at a clean end of file. */
export function readRecordAt(fd: number, offset: number, size: number): ReadResult<LogRecord> {
  const result = readFrameAt(fd, offset, size, isLogRecord);
  if (!result || !('record' in result)) return result;
  return { record: withBody(result.record), end: result.end };
}

/** Iterates the records of a segment file; throws on damage (the main thread has already repaired the tail). */
export function* readSegment(path: string): Generator<LogRecord> {
  for (const stored of readRecords(path, isLogRecord)) yield withBody(stored);
}
