import { readSync } from 'node:fs';
import { crc32 } from 'node:zlib';

// One record on disk: [u32 LE payload length][u32 LE CRC-32 of payload][payload]. The payload is JSON that
// always starts with `{"seq":`, which lets a reader tell a torn tail (nothing valid follows) from damage in
// the middle (a valid record follows). The durable store's log and the remote store's outbox share it.
// A record may carry a body: its JSON header, a newline (which JSON.stringify never writes), then the body's
// UTF-8 bytes as they are. A large text (a batch's N-Quads) is then neither escaped into JSON when written nor
// unescaped when read, and a reader can hand its bytes to the engine without making a string of them.

export const HEADER_BYTES = 8;
const PAYLOAD_START = Buffer.from('{"seq":');
/** A length above this is garbage, not a record (it also keeps a corrupt header from allocating GiBs). */
export const MAX_RECORD_BYTES = 1 << 30;

/** A decoded payload: its sequence number and the fields the writer put beside it. */
export interface StoredRecord {
  seq: number;
  /** The bytes after the header, when the record was written with a body. */
  body?: Buffer;
}

const NEWLINE = 0x0a;

/** Says whether a checksummed payload is a record of the log being read (else it is damage). */
export type RecordCheck = (value: Record<string, unknown>) => boolean;

/**
 * Frames `{"seq":<seq>, ...fields}`: the sequence number first, so a reader can find record starts; with `body`,
 * a newline and the body's text follow the header.
 */
export function encodeRecord(seq: number, fields: object, body?: string): Buffer {
  const json = JSON.stringify(fields);
  const header = json === '{}' ? `{"seq":${seq}}` : `{"seq":${seq},${json.slice(1)}`;
  const headerLength = Buffer.byteLength(header, 'utf8');
  const length = body === undefined ? headerLength : headerLength + 1 + Buffer.byteLength(body, 'utf8');
  // Encoded once, straight into the frame: every byte of it is written below (no zero fill, no second copy).
  // Not from Buffer's shared pool: a view of the body may be handed to another thread, which copies the whole
  // ArrayBuffer under the view.
  const frame = Buffer.allocUnsafeSlow(HEADER_BYTES + length);
  frame.write(header, HEADER_BYTES, 'utf8');
  if (body !== undefined) {
    frame[HEADER_BYTES + headerLength] = NEWLINE;
    frame.write(body, HEADER_BYTES + headerLength + 1, 'utf8');
  }
  frame.writeUInt32LE(length, 0);
  frame.writeUInt32LE(crc32(frame.subarray(HEADER_BYTES)), 4);
  return frame;
}

/** Why reading stopped before the end of a file. */
export interface BadRecord {
  offset: number;
  reason: string;
  /** `partial`: the file ends inside the record (what a torn write leaves); `damaged`: it is all there but wrong. */
  kind: 'partial' | 'damaged';
}

export type ReadResult<R extends StoredRecord = StoredRecord> =
  | { record: R; end: number }
  | { bad: BadRecord }
  | undefined;

/** Reads the record at `offset` of an open file of `size` bytes; undefined at a clean end of file. */
export function readRecordAt<R extends StoredRecord = StoredRecord>(
  fd: number,
  offset: number,
  size: number,
  check: RecordCheck = () => true,
): ReadResult<R> {
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
  const record = parsePayload(payload, check);
  if (!record) return { bad: { offset, reason: 'a payload that is not a log record', kind: 'damaged' } };
  return { record: record as R, end: offset + HEADER_BYTES + length };
}

function parsePayload(payload: Buffer, check: RecordCheck): StoredRecord | undefined {
  const headerEnd = payload.indexOf(NEWLINE);
  try {
    const value = JSON.parse(
      payload.toString('utf8', 0, headerEnd < 0 ? payload.length : headerEnd),
    ) as Record<string, unknown>;
    if (typeof value !== 'object' || value === null || typeof value.seq !== 'number') return undefined;
    if (!check(value)) return undefined;
    if (headerEnd >= 0) value.body = payload.subarray(headerEnd + 1);
    return value as unknown as StoredRecord;
  } catch {
    return undefined;
  }
}

/** True when a well-formed record starts anywhere after `from`: the damage at `from` is then not a torn tail. */
export function validRecordFollows(fd: number, from: number, size: number, check?: RecordCheck): boolean {
  const window = 1 << 20;
  for (let start = from + 1; start < size; start += window - PAYLOAD_START.length) {
    const chunk = Buffer.alloc(Math.min(window, size - start));
    readSync(fd, chunk, 0, chunk.length, start);
    for (let i = chunk.indexOf(PAYLOAD_START); i >= 0; i = chunk.indexOf(PAYLOAD_START, i + 1)) {
      const recordStart = start + i - HEADER_BYTES;
      if (recordStart <= from) continue;
      const result = readRecordAt(fd, recordStart, size, check);
      if (result && 'record' in result) return true;
    }
  }
  return false;
}

/**
 * A write torn by a crash leaves a prefix of what it wrote (a partial header, or a record shorter than its
 * length) or, after a power loss on some file systems, zero bytes. A record that is complete by its length
 * but fails its checksum, or checks out yet is not a record, is damage to written data.
 */
export function looksTorn(fd: number, bad: BadRecord, size: number): boolean {
  if (bad.kind === 'partial') return true;
  const rest = Buffer.alloc(size - bad.offset);
  readSync(fd, rest, 0, rest.length, bad.offset);
  return rest.every((byte) => byte === 0);
}
