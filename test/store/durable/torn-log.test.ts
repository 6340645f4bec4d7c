import { appendFileSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { quadsToNQuads } from '../../../src/rdf/index.ts';
import { segmentPath } from '../../../src/store/durable/files.ts';
import { encodeRecord } from '../../../src/store/durable/wal-format.ts';
import { openDurableStore, selectRows } from '../../../src/store/index.ts';
import { captureLog, quadsOf, tempDir } from './helpers.ts';

/** A data directory whose log holds `count` records, each loading the 3 quads of item n (1..count). */
function logWithRecords(count: number): { dir: string; segment: string; ends: number[] } {
  const dir = tempDir();
  const segment = segmentPath(dir, 1);
  const ends: number[] = [];
  for (let n = 1; n <= count; n++) {
    appendFileSync(
      segment,
      encodeRecord(n, { op: 'load', data: quadsToNQuads(quadsOf(n)), format: 'application/n-quads' }),
    );
    ends.push(statSync(segment).size);
  }
  return { dir, segment, ends };
}

async function itemsIn(
  dir: string,
  logger = captureLog().logger,
  whileOpen = (): void => {},
): Promise<number[]> {
  const store = await openDurableStore({ dir, logger });
  try {
    whileOpen();
    const result = await selectRows(store, 'SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }');
    return result.rows.map((row) => Number(row.s?.value.split('/').pop())).sort((a, b) => a - b);
  } finally {
    await store.close();
  }
}

function flipByte(path: string, offset: number): void {
  const bytes = readFileSync(path);
  bytes[offset] = (bytes[offset] ?? 0) ^ 0xff;
  writeFileSync(path, bytes);
}

describe('torn-log recovery', () => {
  const tornTails: Array<[string, (segment: string, ends: number[]) => void]> = [
    ['a last record cut short', (segment, ends) => truncateSync(segment, (ends.at(-1) ?? 0) - 7)],
    ['a partial header after the last record', (segment) => appendFileSync(segment, Buffer.from([5, 0, 0]))],
    // A power loss on some file systems leaves the appended bytes as zeros: not synced, not acknowledged.
    ['a zero-filled tail after the last record', (segment) => appendFileSync(segment, Buffer.alloc(40))],
  ];
  for (const [name, damage] of tornTails) {
    it(`drops ${name} with a warning and keeps the records before it`, async () => {
      const { dir, segment, ends } = logWithRecords(4);
      damage(segment, ends);
      const intactRecords = statSync(segment).size > (ends.at(-1) ?? 0) ? 4 : 3;
      const log = captureLog();
      let sizeAfterOpen = 0;
      const items = await itemsIn(dir, log.logger, () => {
        sizeAfterOpen = statSync(segment).size;
      });
      expect(items).toEqual([1, 2, 3, 4].slice(0, intactRecords));
      expect(log.messages('warn').join('\n')).toMatch(
        /Dropped the torn end of .* at byte \d+ .*had not been acknowledged \(acknowledgement waits for its fsync\)/,
      );
      expect(sizeAfterOpen).toBe(ends[intactRecords - 1]);
    });
  }

  const damagedLast: Array<[string, (segment: string, ends: number[]) => void]> = [
    ['a flipped byte inside it', (segment, ends) => flipByte(segment, (ends.at(-2) ?? 0) + 20)],
    [
      'a payload with a valid checksum that is not a record',
      (segment) => {
        const payload = Buffer.from('{"seq": not json');
        const header = Buffer.alloc(8);
        header.writeUInt32LE(payload.length, 0);
        header.writeUInt32LE(crc32(payload), 4);
        appendFileSync(segment, Buffer.concat([header, payload]));
      },
    ],
  ];

  for (const [name, damage] of damagedLast) {
    it(`refuses a last record that is complete by its length but damaged (${name}), without claiming it was never acknowledged`, async () => {
      const { dir, segment, ends } = logWithRecords(4);
      damage(segment, ends);
      const before = readFileSync(segment);
      const failure = openDurableStore({ dir, logger: captureLog().logger });
      await expect(failure).rejects.toMatchObject({
        name: 'StoreCorruptError',
        message: expect.stringMatching(
          /damaged at byte \d+, in record \d: .*complete by its length, so this is not a write torn by a crash but damage to a written record, which may have been acknowledged.*provml recover --data .* --accept-loss/,
        ),
      });
      await expect(failure).rejects.not.toMatchObject({
        message: expect.stringMatching(/never acknowledged/),
      });
      expect(readFileSync(segment).equals(before)).toBe(true);
    });
  }

  it('keeps writing after a repaired tail, and a later restart sees old and new records', async () => {
    const { dir, segment, ends } = logWithRecords(3);
    truncateSync(segment, (ends.at(-1) ?? 0) - 1);
    const store = await openDurableStore({ dir, logger: captureLog().logger });
    await store.insert(quadsOf(10));
    // Survives without a final snapshot: the directory as it would be after a crash.
    const copy = tempDir();
    for (const name of ['wal-0000000000000001.log', 'wal-0000000000000003.log'])
      writeFileSync(join(copy, name), readFileSync(join(dir, name)));
    await store.close();
    expect(await itemsIn(copy)).toEqual([1, 2, 10]);
    expect(await itemsIn(dir)).toEqual([1, 2, 10]);
  });

  it('refuses to start over corruption in the middle of the log, saying what to do, and changes nothing', async () => {
    const { dir, segment, ends } = logWithRecords(4);
    flipByte(segment, (ends[0] ?? 0) + 20);
    const before = readFileSync(segment);
    await expect(openDurableStore({ dir, logger: captureLog().logger })).rejects.toMatchObject({
      name: 'StoreCorruptError',
      code: 'Corrupt',
      message: expect.stringMatching(
        /damaged at byte \d+, in record 2: a checksum mismatch; valid records follow.*Restore the data directory from a backup.*provml recover/,
      ),
    });
    expect(readFileSync(segment).equals(before)).toBe(true);
    // The failed open released its lock: a repaired directory opens.
    truncateSync(segment, ends[0]);
    expect(await itemsIn(dir)).toEqual([1]);
  });

  it('refuses an unreadable snapshot, saying so', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'snapshot-0000000000000003.nq'),
      '<http://example.org/a> <http://example.org/p> "cut',
    );
    await expect(openDurableStore({ dir, logger: captureLog().logger })).rejects.toMatchObject({
      code: 'Corrupt',
      message: expect.stringMatching(/snapshot .*snapshot-0000000000000003\.nq cannot be read/),
    });
  });

  it('refuses a log with a missing segment', async () => {
    const { dir } = logWithRecords(2);
    writeFileSync(
      segmentPath(dir, 7),
      encodeRecord(7, { op: 'dropGraph', graph: { termType: 'DefaultGraph', value: '' } }),
    );
    await expect(openDurableStore({ dir, logger: captureLog().logger })).rejects.toMatchObject({
      name: 'StoreCorruptError',
      message: expect.stringMatching(/segment is missing/),
    });
  });
});
