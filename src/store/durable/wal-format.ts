import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import type { WriteOp } from '../engine.ts';

// One log record on disk: [u32 LE payload length][u32 LE CRC-32 of payload][payload].
// The payload is JSON that always starts with `{"seq":`, which lets a reader tell a torn tail
// (nothing valid follows) from corruption in the middle (a valid record follows).

export const HEADER_BYTES = 8;
const PAYLOAD_START = Buffer.from('{"seq":');
/** A length above this is garbage, not a record (it also keeps a corrupt header from allocating GiBs). */
export const MAX_RECORD_BYTES = 1 << 30;

export interface LogRecord {
  seq: number;
  op: WriteOp;
}

export function encodeRecord(seq: number, op: WriteOp): Buffer {
  const payload = Buffer.from(`{"seq":${seq},"op":${JSON.stringify(op)}}`, 'utf8');
  const header = Buffer.alloc(HEADER_BYTES);
  header.writeUInt32LE(payload.length, 0);
  header.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([header, payload]);
}

/** Why reading stopped before the end of a segment. */
export interface BadRecord {
  offset: number;
  reason: string;
  /** `partial`: the file ends inside the record (what a torn write leaves); `damaged`: it is all there but wrong. */
  kind: 'partial' | 'damaged';
}

export type ReadResult = { record: LogRecord; end: number } | { bad: BadRecord } | undefined;

/** Reads the record at `offset` of an open segment; undefined at a clean end of file. */
export function readRecordAt(fd: number, offset: number, size: number): ReadResult {
  if (offset === size) return undefined;
  if (size - offset < HEADER_BYTES)
    return { bad: { offset, reason: `a ${size - offset}-byte partial header`, kind: 'partial' } };
  const header = Buffer.alloc(HEADER_BYTES);
  readSync(fd, header, 0, HEADER_BYTES, offset);
  const length = header.readUInt32LE(0);
  if (length === 0 || length > MAX_RECORD_BYTES)
    return { bad: { offset, reason: `an impossible length ${length}`, kind: 'damaged' } };
  if (size - offset - HEADER_BYTES < length) {
    return {
      bad: {
        offset,
        reason: `a record of ${length} bytes cut short at ${size - offset - HEADER_BYTES}`,
        kind: 'partial',
      },
    };
  }
  const payload = Buffer.alloc(length);
  readSync(fd, payload, 0, length, offset + HEADER_BYTES);
  if (crc32(payload) !== header.readUInt32LE(4))
    return { bad: { offset, reason: 'a checksum mismatch', kind: 'damaged' } };
  const record = parsePayload(payload);
  if (!record) return { bad: { offset, reason: 'a payload that is not a log record', kind: 'damaged' } };
  return { record, end: offset + HEADER_BYTES + length };
}

function parsePayload(payload: Buffer): LogRecord | undefined {
  try {
    const value = JSON.parse(payload.toString('utf8')) as Partial<LogRecord>;
    if (typeof value.seq !== 'number' || typeof value.op !== 'object' || value.op === null) return undefined;
    return value as LogRecord;
  } catch {
    return undefined;
  }
}

/** True when a well-formed record starts anywhere after `from`: the damage at `from` is then not a torn tail. */
export function validRecordFollows(fd: number, from: number, size: number): boolean {
  const window = 1 << 20;
  for (let start = from + 1; start < size; start += window - PAYLOAD_START.length) {
    const chunk = Buffer.alloc(Math.min(window, size - start));
    readSync(fd, chunk, 0, chunk.length, start);
    for (let i = chunk.indexOf(PAYLOAD_START); i >= 0; i = chunk.indexOf(PAYLOAD_START, i + 1)) {
      const recordStart = start + i - HEADER_BYTES;
      if (recordStart <= from) continue;
      const result = readRecordAt(fd, recordStart, size);
      if (result && 'record' in result) return true;
    }
  }
  return false;
}

/** Iterates the records of a segment file; throws on damage (the main thread has already repaired the tail). */
export function* readSegment(path: string): Generator<LogRecord> {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    let offset = 0;
    for (;;) {
      const result = readRecordAt(fd, offset, size);
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
