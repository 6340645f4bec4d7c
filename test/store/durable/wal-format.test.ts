import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  encodeLogged,
  encodeRecord,
  type LogRecord,
  readRecordAt,
  readSegment,
  writeOpOf,
} from '../../../src/store/durable/wal-format.ts';
import { tempDir } from './helpers.ts';

describe('log record format', () => {
  it('checksums with the standard CRC-32 (IEEE 802.3) of zlib', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('still reads a record of earlier versions, its text inside the JSON (hand-written CRC-32, then zlib)', () => {
    // Encoded by provml before stop 24 (and before it moved to zlib.crc32: same polynomial, same checksums).
    const old = Buffer.from(
      '76000000696c17837b22736571223a372c226f70223a7b226f70223a226c6f6164222c2264617461223a223c687474703a2f2f652f733e203c687474703a2f2f652f703e205c22c3a95c22203c687474703a2f2f652f673e202e5c6e222c22666f726d6174223a226170706c69636174696f6e2f6e2d7175616473227d7d',
      'hex',
    );
    const path = join(tempDir(), 'old-segment');
    writeFileSync(path, old);
    const fd = openSync(path, 'r');
    try {
      expect(readRecordAt(fd, 0, old.length)).toEqual({
        record: {
          seq: 7,
          op: {
            op: 'load',
            data: '<http://e/s> <http://e/p> "é" <http://e/g> .\n',
            format: 'application/n-quads',
          },
        },
        end: old.length,
      });
    } finally {
      closeSync(fd);
    }
  });

  it("frames a load as length, checksum, JSON header, newline and the data's bytes unescaped", () => {
    const data =
      '<http://e/s> <http://e/p> "\\"é\\"\\n" <http://e/g> .\n<http://e/s> <http://e/q> <http://e/o> .\n';
    const op = { op: 'load' as const, data, format: 'application/n-quads' as const, baseIri: 'http://e/' };
    const bytes = encodeRecord(42, op);
    expect(bytes.readUInt32LE(0)).toBe(bytes.length - 8);
    expect(bytes.readUInt32LE(4)).toBe(crc32(bytes.subarray(8)));
    const payload = bytes.subarray(8);
    const newline = payload.indexOf(0x0a);
    expect(JSON.parse(payload.subarray(0, newline).toString('utf8'))).toEqual({
      seq: 42,
      op: { op: 'load', format: 'application/n-quads', baseIri: 'http://e/' },
    });
    expect(payload.subarray(newline + 1).toString('utf8')).toBe(data);

    const { record, end } = recordOf(bytes);
    // The data comes back as the body's bytes, for the engine to parse as they are.
    expect(Buffer.isBuffer(record.op.op === 'load' && record.op.data)).toBe(true);
    expect(writeOpOf(record.op)).toEqual(op);
    expect(end).toBe(bytes.length);
  });

  it("hands the engine a load's data as a view of the frame's body", () => {
    const data = '<http://e/s> <http://e/p> "é\\n" .\n';
    const { frame, logged } = encodeLogged(8, { op: 'load', data, format: 'application/n-quads' });
    expect(frame.equals(encodeRecord(8, { op: 'load', data, format: 'application/n-quads' }))).toBe(true);
    const bytes = logged.op === 'load' ? logged.data : '';
    expect(typeof bytes).not.toBe('string');
    expect(Buffer.from(bytes).toString('utf8')).toBe(data);
    expect((bytes as Uint8Array).buffer).toBe(frame.buffer);
    expect(writeOpOf(logged)).toEqual({ op: 'load', data, format: 'application/n-quads' });
  });

  it('frames an update with its SPARQL as the body and gives it back as text', () => {
    const op = {
      op: 'update' as const,
      text: 'INSERT DATA { <a:b> <a:c> "é\\n" }\n# a comment\n',
      union: true,
    };
    const bytes = encodeRecord(3, op);
    expect(readBack(bytes)).toEqual({ record: { seq: 3, op }, end: bytes.length });
  });

  it('frames a graph drop and an empty load', () => {
    const drop = { op: 'dropGraph' as const, graph: { termType: 'NamedNode' as const, value: 'http://e/g' } };
    expect(recordOf(encodeRecord(5, drop)).record).toEqual({ seq: 5, op: drop });
    const empty = { op: 'load' as const, data: '', format: 'application/n-quads' as const };
    expect(writeOpOf(recordOf(encodeRecord(6, empty)).record.op)).toEqual(empty);
  });

  it('finds damage in the body, a cut-short record and a clean end', () => {
    const bytes = encodeRecord(9, { op: 'load', data: '<a:s> <a:p> "x" .\n', format: 'application/n-quads' });
    const flipped = Buffer.from(bytes);
    flipped.writeUInt8(flipped.readUInt8(bytes.length - 4) ^ 0x20, bytes.length - 4);
    expect(readBack(flipped)).toMatchObject({ bad: { offset: 0, reason: 'a checksum mismatch' } });
    const path = join(tempDir(), 'segment');
    writeFileSync(path, bytes);
    const fd = openSync(path, 'r');
    try {
      expect(readRecordAt(fd, bytes.length, bytes.length)).toBeUndefined();
      expect(readRecordAt(fd, 0, bytes.length - 1)).toMatchObject({
        bad: { offset: 0, reason: expect.stringMatching(/cut short/) },
      });
    } finally {
      closeSync(fd);
    }
  });

  it('reads a segment that an older provml began and this one continued', () => {
    const old = Buffer.from(
      '{"seq":1,"op":{"op":"load","data":"<a:s> <a:p> \\"1\\" .\\n","format":"application/n-quads"}}',
    );
    const frame = Buffer.alloc(8);
    frame.writeUInt32LE(old.length, 0);
    frame.writeUInt32LE(crc32(old), 4);
    const added = {
      op: 'load' as const,
      data: '<a:s> <a:p> "2" .\n',
      format: 'application/n-quads' as const,
    };
    const path = join(tempDir(), 'mixed-segment');
    writeFileSync(path, Buffer.concat([frame, old, encodeRecord(2, added)]));
    expect([...readSegment(path)].map((record) => writeOpOf(record.op))).toEqual([
      { op: 'load', data: '<a:s> <a:p> "1" .\n', format: 'application/n-quads' },
      added,
    ]);
  });
});

function readBack(bytes: Buffer): ReturnType<typeof readRecordAt> {
  const path = join(tempDir(), `record-${bytes.length}`);
  writeFileSync(path, bytes);
  const fd = openSync(path, 'r');
  try {
    return readRecordAt(fd, 0, bytes.length);
  } finally {
    closeSync(fd);
  }
}

function recordOf(bytes: Buffer): { record: LogRecord; end: number } {
  const result = readBack(bytes);
  if (!result || !('record' in result)) throw new Error(`no record: ${JSON.stringify(result)}`);
  return result;
}
