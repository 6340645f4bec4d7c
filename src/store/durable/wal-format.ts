import type { WriteOp } from '../engine.ts';
import {
  encodeRecord as encodeFrame,
  HEADER_BYTES,
  type ReadResult,
  readRecordAt as readFrameAt,
  readRecords,
  type StoredRecord,
} from '../record-log/index.ts';

// A log record of the durable store: a record-log frame whose header is `{"seq":n,"op":<WriteOp>}`, the op's
// text (a load's data, an update's SPARQL) in the frame's body. Records of provml before stop 24 hold the text
// inside the JSON; both read the same.

/**
 * A logged write as the engine gets it: a load's data may be the bytes of the record's body, which the engine
 * parses as they are (read back from the log as a Buffer; handed to the engine's thread, a plain Uint8Array).
 */
export type LoggedOp =
  | Exclude<WriteOp, { op: 'load' | 'replaceGraph' }>
  | (Omit<Extract<WriteOp, { op: 'load' }>, 'data'> & { data: string | Uint8Array })
  | (Omit<Extract<WriteOp, { op: 'replaceGraph' }>, 'data'> & { data: string | Uint8Array });

export interface LogRecord {
  seq: number;
  op: LoggedOp;
}

/** A checksummed payload without an op is not a record of this log. */
export const isLogRecord = (value: Record<string, unknown>): boolean =>
  typeof value.op === 'object' && value.op !== null;

export function encodeRecord(seq: number, op: WriteOp): Buffer {
  return encodeLogged(seq, op).frame;
}

/**
 * The record's frame, and the op with a load's data as a view of the frame's body: the engine's thread gets
 * the bytes once encoded, instead of a copy of the text it would encode again.
 */
export function encodeLogged(seq: number, op: WriteOp): { frame: Buffer; logged: LoggedOp } {
  switch (op.op) {
    case 'load':
    case 'replaceGraph': {
      const { data, ...header } = op;
      const frame = encodeFrame(seq, { op: header }, data);
      // The body follows the header's newline (JSON has none of its own).
      const body = frame.subarray(frame.indexOf(0x0a, HEADER_BYTES) + 1);
      return { frame, logged: { ...op, data: body } };
    }
    case 'update': {
      const { text, ...header } = op;
      return { frame: encodeFrame(seq, { op: header }, text), logged: op };
    }
    case 'dropGraph':
      return { frame: encodeFrame(seq, { op }), logged: op };
  }
}

/** Bytes as a Buffer without copying them (a Uint8Array that crossed threads lost Buffer's methods). */
export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** The op as the engine takes it (a body's bytes made text). */
export function writeOpOf(op: LoggedOp): WriteOp {
  if ((op.op === 'load' || op.op === 'replaceGraph') && typeof op.data !== 'string')
    return { ...op, data: asBuffer(op.data).toString('utf8') };
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
