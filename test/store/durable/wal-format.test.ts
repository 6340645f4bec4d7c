import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodeRecord, readRecordAt } from '../../../src/store/durable/wal-format.ts';
import { tempDir } from './helpers.ts';

describe('log record format', () => {
  it('checksums with the standard CRC-32 (IEEE 802.3) of zlib', () => {
    expect(crc32(Buffer.from('123456789'))).toBe(0xcbf43926);
  });

  it('still verifies a record written by the hand-written CRC-32 of earlier versions', () => {
    // Encoded by provml before it moved to zlib.crc32 (same polynomial, so the same checksums).
    const old = Buffer.from(
      '76000000696c17837b22736571223a372c226f70223a7b226f70223a226c6f6164222c2264617461223a223c687474703a2f2f652f733e203c687474703a2f2f652f703e205c22c3a95c22203c687474703a2f2f652f673e202e5c6e222c22666f726d6174223a226170706c69636174696f6e2f6e2d7175616473227d7d',
      'hex',
    );
    // Written byte for byte as before the record log was shared with the outbox.
    const op = {
      op: 'load' as const,
      data: '<http://e/s> <http://e/p> "é" <http://e/g> .\n',
      format: 'application/n-quads' as const,
    };
    expect(encodeRecord(7, op).equals(old)).toBe(true);
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

  it('frames a record as length, checksum and JSON payload, and reads it back', () => {
    const op = { op: 'update' as const, text: 'INSERT DATA { <a:b> <a:c> "é\\n" }' };
    const bytes = encodeRecord(42, op);
    const length = bytes.readUInt32LE(0);
    expect(length).toBe(bytes.length - 8);
    expect(bytes.readUInt32LE(4)).toBe(crc32(bytes.subarray(8)));
    expect(JSON.parse(bytes.subarray(8).toString('utf8'))).toEqual({ seq: 42, op });

    const path = join(tempDir(), 'segment');
    writeFileSync(path, bytes);
    const fd = openSync(path, 'r');
    try {
      expect(readRecordAt(fd, 0, bytes.length)).toEqual({ record: { seq: 42, op }, end: bytes.length });
      expect(readRecordAt(fd, bytes.length, bytes.length)).toBeUndefined();
      expect(readRecordAt(fd, 0, bytes.length - 1)).toMatchObject({
        bad: { offset: 0, reason: expect.stringMatching(/cut short/) },
      });
    } finally {
      closeSync(fd);
    }
  });
});
