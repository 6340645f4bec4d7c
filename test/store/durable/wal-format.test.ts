import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crc32, tableCrc32 } from '../../../src/store/durable/crc32.ts';
import { encodeRecord, readRecordAt } from '../../../src/store/durable/wal-format.ts';
import { tempDir } from './helpers.ts';

describe('log record format', () => {
  it('computes the standard CRC-32 check value with and without zlib', () => {
    const check = Buffer.from('123456789');
    expect(crc32(check)).toBe(0xcbf43926);
    expect(tableCrc32(check)).toBe(0xcbf43926);
    const random = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7919) % 256));
    expect(tableCrc32(random)).toBe(crc32(random));
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
