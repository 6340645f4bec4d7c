import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  encodeRecord,
  HEADER_BYTES,
  type RecordEntry,
  readRecordAt,
  readRecords,
  type StoredRecord,
  scanRecords,
} from '../../../src/store/record-log/index.ts';
import { tempDir } from '../durable/helpers.ts';

const records = (...seqs: number[]): Buffer =>
  Buffer.concat(seqs.map((seq) => encodeRecord(seq, { note: `record ${seq}` })));

function scanFile(bytes: Buffer, options: Parameters<typeof scanRecords>[1] = {}) {
  const path = join(tempDir(), 'log');
  writeFileSync(path, bytes);
  const seen: Array<StoredRecord & { note?: string }> = [];
  const entries: RecordEntry[] = [];
  const fd = openSync(path, 'r');
  try {
    const scan = scanRecords(fd, {
      ...options,
      onRecord: (record, entry) => {
        seen.push(record);
        entries.push(entry);
      },
    });
    return { scan, seen, entries };
  } finally {
    closeSync(fd);
  }
}

describe('record frame', () => {
  it('puts the sequence number first and checksums the payload', () => {
    const frame = encodeRecord(7, { op: 'dropGraph', graph: 'urn:a' });
    const payload = frame.subarray(HEADER_BYTES);
    expect(payload.toString('utf8')).toBe('{"seq":7,"op":"dropGraph","graph":"urn:a"}');
    expect(frame.readUInt32LE(0)).toBe(payload.length);
    expect(frame.readUInt32LE(4)).toBe(crc32(payload));
    expect(encodeRecord(3, {}).subarray(HEADER_BYTES).toString('utf8')).toBe('{"seq":3}');
  });

  it('refuses a checksummed payload the log does not recognise as its record', () => {
    const path = join(tempDir(), 'log');
    const frame = encodeRecord(1, { other: true });
    writeFileSync(path, frame);
    const fd = openSync(path, 'r');
    try {
      expect(readRecordAt(fd, 0, frame.length, (value) => 'op' in value)).toEqual({
        bad: { offset: 0, reason: 'a payload that is not a log record', kind: 'damaged' },
      });
      expect(readRecordAt(fd, 0, frame.length)).toEqual({
        record: { seq: 1, other: true },
        end: frame.length,
      });
    } finally {
      closeSync(fd);
    }
  });
});

describe('scanning a record file', () => {
  it('reads every record with its place in the file', () => {
    const bytes = records(1, 2, 3);
    const { scan, seen, entries } = scanFile(bytes);
    expect(scan).toEqual({ end: bytes.length, size: bytes.length, lastSeq: 3 });
    expect(seen.map((r) => r.note)).toEqual(['record 1', 'record 2', 'record 3']);
    const second = entries[1] as RecordEntry;
    expect(second.offset).toBe(encodeRecord(1, { note: 'record 1' }).length);
    expect(
      JSON.parse(
        bytes.subarray(second.offset + HEADER_BYTES, second.offset + HEADER_BYTES + second.length).toString(),
      ),
    ).toEqual({ seq: 2, note: 'record 2' });
  });

  it('calls a record cut short at the end a torn tail, and says where the intact records end', () => {
    const whole = records(1, 2);
    const cut = whole.subarray(0, whole.length - 3);
    const { scan, seen } = scanFile(cut);
    const firstEnd = encodeRecord(1, { note: 'record 1' }).length;
    expect(seen).toHaveLength(1);
    expect(scan).toMatchObject({ end: firstEnd, size: cut.length, lastSeq: 1 });
    expect(scan.damage).toMatchObject({ torn: true, kind: 'partial', offset: firstEnd });
  });

  it('calls a partial header and a zero-filled tail torn too', () => {
    const partialHeader = Buffer.concat([records(1), Buffer.from([5, 0, 0])]);
    expect(scanFile(partialHeader).scan.damage).toMatchObject({
      torn: true,
      reason: 'a 3-byte partial header',
    });
    const zeros = Buffer.concat([records(1), Buffer.alloc(64)]);
    expect(scanFile(zeros).scan.damage).toMatchObject({ torn: true, kind: 'damaged' });
  });

  it('calls a complete last record with a wrong checksum damage, not a torn write', () => {
    const bytes = records(1, 2);
    bytes[bytes.length - 2] = (bytes[bytes.length - 2] as number) ^ 0x01;
    const { scan } = scanFile(bytes);
    expect(scan.lastSeq).toBe(1);
    expect(scan.damage).toMatchObject({ torn: false, validFollows: false, reason: 'a checksum mismatch' });
  });

  it('calls damage followed by a valid record damage in the middle, never a shorter log', () => {
    const bytes = records(1, 2, 3);
    const second = encodeRecord(1, { note: 'record 1' }).length;
    bytes[second + HEADER_BYTES + 3] = (bytes[second + HEADER_BYTES + 3] as number) ^ 0xff;
    const { scan, seen } = scanFile(bytes);
    expect(seen).toHaveLength(1);
    expect(scan.damage).toMatchObject({ torn: false, validFollows: true, offset: second });
  });

  it('never calls damage torn when more of the log follows in another file', () => {
    const cut = records(1, 2).subarray(0, -3);
    expect(scanFile(cut, { followedByMore: true }).scan.damage).toMatchObject({
      torn: false,
      kind: 'partial',
    });
  });

  it('says when a sequence number breaks the order', () => {
    expect(scanFile(records(4, 6), { firstSeq: 4, contiguous: true }).scan.damage).toMatchObject({
      kind: 'misnumbered',
      seq: 6,
      expected: 5,
    });
    expect(scanFile(records(5), { firstSeq: 4, contiguous: true }).scan.damage).toMatchObject({
      kind: 'misnumbered',
      seq: 5,
      expected: 4,
    });
    const gapsAllowed = scanFile(records(4, 6)).scan;
    expect(gapsAllowed.lastSeq).toBe(6);
    expect(gapsAllowed.damage).toBeUndefined();
    expect(scanFile(records(4, 3)).scan.damage).toMatchObject({ kind: 'misnumbered', seq: 3 });
  });

  it('reads the records of a checked file back, and throws on damage', () => {
    const path = join(tempDir(), 'log');
    writeFileSync(path, records(1, 2));
    expect([...readRecords(path)].map((r) => r.seq)).toEqual([1, 2]);
    const bytes = readFileSync(path);
    bytes[HEADER_BYTES + 1] = 0;
    writeFileSync(path, bytes);
    expect(() => [...readRecords(path)]).toThrow(/damaged at byte 0: a checksum mismatch/);
  });
});
