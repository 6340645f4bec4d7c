import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/store/remote/outbox.ts';

/** Appends two records, then flips bits of the byte at `at(file length)`; returns the damaged file. */
async function writeTwoThenFlip(dir: string, at: (length: number) => number, bits: number): Promise<Buffer> {
  const outbox = await Outbox.open(dir);
  await outbox.append({ op: 'dropGraph', graph: 'urn:first' });
  await outbox.append({ op: 'dropGraph', graph: 'urn:second' });
  await outbox.close();
  const log = await readFile(join(dir, 'outbox.log'));
  const index = at(log.length);
  log[index] = (log[index] as number) ^ bits;
  await writeFile(join(dir, 'outbox.log'), log);
  return log;
}

describe('remote store outbox (length + CRC framed log with a delivery cursor)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-outbox-unit-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('numbers appends in order and gives them back after a reopen until delivered', async () => {
    const outbox = await Outbox.open(dir);
    const seqs = await Promise.all([
      outbox.append({ op: 'dropGraph', graph: 'urn:a' }),
      outbox.append({ op: 'dropGraph', graph: 'urn:b' }),
      outbox.append({ op: 'dropGraph', graph: 'urn:c' }),
    ]);
    expect(seqs).toEqual([1, 2, 3]);
    await outbox.markDelivered(1);
    await outbox.close();

    const reopened = await Outbox.open(dir);
    const pending = reopened.peek(10);
    expect(pending.map((e) => e.seq)).toEqual([2, 3]);
    expect(await reopened.read(pending[0] as (typeof pending)[0])).toEqual({
      seq: 2,
      op: 'dropGraph',
      graph: 'urn:b',
    });
    expect(await reopened.append({ op: 'dropGraph', graph: 'urn:d' })).toBe(4);
    await reopened.close();
  });

  it('drops a torn last record and keeps the ones before it', async () => {
    const outbox = await Outbox.open(dir);
    await outbox.append({ op: 'dropGraph', graph: 'urn:kept' });
    await outbox.close();
    await appendFile(join(dir, 'outbox.log'), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 123, 34]));
    const reopened = await Outbox.open(dir);
    expect(reopened.peek(10).map((e) => e.seq)).toEqual([1]);
    expect(await reopened.append({ op: 'dropGraph', graph: 'urn:next' })).toBe(2);
    await reopened.close();
    const again = await Outbox.open(dir);
    expect(again.peek(10).map((e) => e.seq)).toEqual([1, 2]);
    await again.close();
  });

  it('refuses to open over damage followed by valid records instead of dropping them', async () => {
    await writeTwoThenFlip(dir, () => 10, 0xff);
    await expect(Outbox.open(dir)).rejects.toThrow(/damaged at byte 0/);
  });

  it('empties the log once a large backlog is fully delivered, keeping the sequence going', async () => {
    const outbox = await Outbox.open(dir);
    const big = 'x'.repeat(1 << 20);
    let last = 0;
    for (let i = 0; i < 5; i++)
      last = await outbox.append({ op: 'insert', groups: [{ graph: 'urn:g', lines: [big], blank: false }] });
    expect((await stat(join(dir, 'outbox.log'))).size).toBeGreaterThan(5 << 20);
    await outbox.markDelivered(last);
    expect((await stat(join(dir, 'outbox.log'))).size).toBe(0);
    await outbox.close();
    const reopened = await Outbox.open(dir);
    expect(reopened.pendingCount).toBe(0);
    expect(await reopened.append({ op: 'dropGraph', graph: 'urn:g' })).toBe(6);
    await reopened.close();
  });

  it('opens an outbox written by provml before the shared record log, byte for byte', async () => {
    // outbox.log and outbox.cursor as the outbox of provml 0.1.0 wrote them: two records, the first delivered.
    const old = Buffer.from(
      '2a00000092dc57c77b22736571223a312c226f70223a2264726f704772617068222c226772617068223a2275726e3a61227d' +
        '690000001f58b2957b22736571223a322c226f70223a22696e73657274222c2267726f757073223a5b7b226772617068223a' +
        '2275726e3a67222c226c696e6573223a5b223c75726e3a733e203c75726e3a703e205c22c3a95c22202e5c6e225d2c22626c' +
        '616e6b223a66616c73657d5d7d',
      'hex',
    );
    await writeFile(join(dir, 'outbox.log'), old);
    await writeFile(join(dir, 'outbox.cursor'), '1\n');
    const outbox = await Outbox.open(dir);
    const pending = outbox.peek(10);
    expect(pending.map((e) => e.seq)).toEqual([2]);
    expect(await outbox.read(pending[0] as (typeof pending)[0])).toEqual({
      seq: 2,
      op: 'insert',
      groups: [{ graph: 'urn:g', lines: ['<urn:s> <urn:p> "\u00e9" .\n'], blank: false }],
    });
    expect(await outbox.append({ op: 'dropGraph', graph: 'urn:b' })).toBe(3);
    await outbox.close();
    const written = await readFile(join(dir, 'outbox.log'));
    expect(written.subarray(0, old.length).equals(old)).toBe(true);
    // And new records are framed exactly as the old outbox framed them.
    const fresh = await mkdtemp(join(tmpdir(), 'provml-outbox-unit-'));
    try {
      const again = await Outbox.open(fresh);
      await again.append({ op: 'dropGraph', graph: 'urn:a' });
      await again.append({
        op: 'insert',
        groups: [{ graph: 'urn:g', lines: ['<urn:s> <urn:p> "\u00e9" .\n'], blank: false }],
      });
      await again.close();
      expect((await readFile(join(fresh, 'outbox.log'))).equals(old)).toBe(true);
    } finally {
      await rm(fresh, { recursive: true, force: true });
    }
  });

  it('refuses a last record that is complete but fails its checksum: it may have been acknowledged', async () => {
    const log = await writeTwoThenFlip(dir, (length) => length - 3, 0x01);
    await expect(Outbox.open(dir)).rejects.toThrow(
      /damaged at byte \d+ \(a checksum mismatch, a record complete by its length/,
    );
    expect((await readFile(join(dir, 'outbox.log'))).equals(log)).toBe(true);
  });

  it('starts numbering after the cursor when the log was emptied', async () => {
    await writeFile(join(dir, 'outbox.cursor'), '17\n');
    const outbox = await Outbox.open(dir);
    expect(outbox.pendingCount).toBe(0);
    expect(outbox.deliveredSeq).toBe(17);
    expect(await outbox.append({ op: 'dropGraph', graph: 'urn:g' })).toBe(18);
    await outbox.close();
  });
});
