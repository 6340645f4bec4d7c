import { readFileSync, writeFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  encodeRecord,
  HEADER_BYTES,
  RecordLog,
  type RecordLogOptions,
  readCursor,
  readRecords,
  writeCursor,
} from '../../../src/store/record-log/index.ts';
import { tempDir } from '../durable/helpers.ts';

const frame = (seq: number): Buffer => encodeRecord(seq, { note: `record ${seq}` });

/** A log in `dir`, one file per first sequence number; `files` lists the files it opened. */
function options(dir: string, extra: Partial<RecordLogOptions> = {}) {
  const files: number[] = [];
  const opts: RecordLogOptions = {
    openFile: async (first) => {
      files.push(first);
      return open(join(dir, `log-${first}`), 'a+');
    },
    failure: (cause) => new Error(`log failed: ${cause.message}`),
    ...extra,
  };
  return { opts, files };
}

const seqsIn = (path: string): number[] => [...readRecords(path)].map((r) => r.seq);

describe('RecordLog', () => {
  it('shares one fsync among the records appended while none is under way (group commit)', async () => {
    const dir = tempDir();
    const log = await RecordLog.open(0, options(dir).opts);
    await Promise.all(Array.from({ length: 50 }, (_, i) => log.append(i + 1, frame(i + 1))));
    expect(log.counters).toMatchObject({ records: 50, syncs: 1 });

    const first = log.append(51, frame(51));
    await Promise.resolve(); // the first batch is now being written: these wait for the next fsync
    const rest = Array.from({ length: 10 }, (_, i) => log.append(52 + i, frame(52 + i)));
    await Promise.all([first, ...rest]);
    expect(log.counters).toMatchObject({ records: 61, syncs: 3 });
    await log.close();
    expect(seqsIn(join(dir, 'log-1'))).toEqual(Array.from({ length: 61 }, (_, i) => i + 1));
  });

  it('hands each record on in log order, with its offset, before any append resolves', async () => {
    const dir = tempDir();
    const log = await RecordLog.open(0, options(dir).opts);
    const events: string[] = [];
    const offsets: number[] = [];
    const appends = [1, 2, 3].map((seq) =>
      log
        .append(seq, frame(seq), (offset) => {
          events.push(`durable ${seq}`);
          offsets.push(offset);
        })
        .then(() => events.push(`resolved ${seq}`)),
    );
    await Promise.all(appends);
    expect(events).toEqual(['durable 1', 'durable 2', 'durable 3', 'resolved 1', 'resolved 2', 'resolved 3']);
    expect(offsets).toEqual([0, frame(1).length, frame(1).length + frame(2).length]);
    const payload = await log.read(offsets[1] as number, frame(2).length - HEADER_BYTES);
    expect(JSON.parse(payload.toString())).toEqual({ seq: 2, note: 'record 2' });
    await log.close();
  });

  it('continues at the end of an existing file', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'log-3'), Buffer.concat([frame(3), frame(4)]));
    const log = await RecordLog.open(2, options(dir).opts);
    expect(log.size).toBe(frame(3).length * 2);
    const offsets: number[] = [];
    await log.append(5, frame(5), (offset) => offsets.push(offset));
    expect(offsets).toEqual([frame(3).length * 2]);
    await log.close();
    expect(seqsIn(join(dir, 'log-3'))).toEqual([3, 4, 5]);
  });

  it('starts a new file every recordsPerFile records, also inside one batch', async () => {
    const dir = tempDir();
    const { opts, files } = options(dir, { recordsPerFile: 2 });
    const log = await RecordLog.open(0, opts);
    await Promise.all([1, 2, 3, 4, 5].map((seq) => log.append(seq, frame(seq))));
    await log.close();
    expect(files).toEqual([1, 3, 5]);
    expect(seqsIn(join(dir, 'log-1'))).toEqual([1, 2]);
    expect(seqsIn(join(dir, 'log-3'))).toEqual([3, 4]);
    expect(seqsIn(join(dir, 'log-5'))).toEqual([5]);
  });

  it('rotates after the last durable record, telling the boundary before later records are handed on', async () => {
    const dir = tempDir();
    let afterBatches = 0;
    const { opts, files } = options(dir, { afterBatch: () => afterBatches++ });
    const log = await RecordLog.open(0, opts);
    const handed: number[] = [];
    const one = log.append(1, frame(1), () => handed.push(1));
    await Promise.resolve(); // record 1's batch is under way; the rotation and record 2 queue behind it
    let boundary = -1;
    let handedAtBoundary: number[] = [];
    const rotated = log.rotate((seq) => {
      boundary = seq;
      handedAtBoundary = [...handed];
    });
    const two = log.append(2, frame(2), () => handed.push(2));
    await Promise.all([one, rotated, two]);
    expect(boundary).toBe(1);
    expect(handedAtBoundary).toEqual([1]);
    expect(files).toEqual([1, 2]);
    expect(log.bytesSinceRotation).toBe(frame(2).length);
    expect(afterBatches).toBe(2);
    await log.close();
    expect(seqsIn(join(dir, 'log-2'))).toEqual([2]);
  });

  it('empties the file only when the condition still holds on the lane', async () => {
    const dir = tempDir();
    const log = await RecordLog.open(0, options(dir).opts);
    await log.append(1, frame(1));
    await log.empty(() => false);
    expect(log.size).toBe(frame(1).length);
    await log.empty(() => true);
    expect(log.size).toBe(0);
    expect(readFileSync(join(dir, 'log-1')).length).toBe(0);
    const offsets: number[] = [];
    await log.append(2, frame(2), (offset) => offsets.push(offset));
    expect(offsets).toEqual([0]);
    await log.close();
  });

  it('fails every later append once a write failed: nothing after a failed fsync can be trusted', async () => {
    const dir = tempDir();
    let failNext = false;
    const log = await RecordLog.open(
      0,
      options(dir, {
        openFile: async (first) => {
          const file = await open(join(dir, `log-${first}`), 'a+');
          const datasync = file.datasync.bind(file);
          return Object.assign(file, {
            datasync: () => (failNext ? Promise.reject(new Error('EIO: i/o error')) : datasync()),
          }) as FileHandle;
        },
      }).opts,
    );
    const durable: number[] = [];
    await log.append(1, frame(1), () => durable.push(1));
    failNext = true;
    await expect(log.append(2, frame(2), () => durable.push(2))).rejects.toThrow(
      'log failed: EIO: i/o error',
    );
    failNext = false;
    await expect(log.append(3, frame(3))).rejects.toThrow('log failed: EIO: i/o error');
    await expect(log.rotate(() => undefined)).rejects.toThrow('log failed');
    expect(durable).toEqual([1]);
    await log.close();
  });
});

describe('cursor file', () => {
  it('keeps the last value written, and reads 0 when missing or unreadable', async () => {
    const dir = tempDir();
    const path = join(dir, 'cursor');
    expect(await readCursor(path)).toBe(0);
    await writeCursor(path, 41);
    await writeCursor(path, 42);
    expect(await readCursor(path)).toBe(42);
    expect(readFileSync(path, 'utf8')).toBe('42\n');
    writeFileSync(path, 'garbage');
    expect(await readCursor(path)).toBe(0);
  });
});
