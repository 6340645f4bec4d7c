import { appendFile, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../../../src/store/remote/outbox.ts';

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
    const outbox = await Outbox.open(dir);
    await outbox.append({ op: 'dropGraph', graph: 'urn:first' });
    await outbox.append({ op: 'dropGraph', graph: 'urn:second' });
    await outbox.close();
    const log = await readFile(join(dir, 'outbox.log'));
    log[10] = (log[10] as number) ^ 0xff;
    await writeFile(join(dir, 'outbox.log'), log);
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
});
