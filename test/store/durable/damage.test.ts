import {
  cpSync,
  existsSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDataDir } from '../../../src/store/durable/files.ts';
import { readManifest } from '../../../src/store/durable/manifest.ts';
import { type DurableStore, openDurableStore, selectRows } from '../../../src/store/index.ts';
import { captureLog, quadsOf, tempDir } from './helpers.ts';

// Deliberate damage to a data directory: each kind is detected and said, start-up is refused with the
// way out, and `acceptLoss` (provml recover --accept-loss) opens it with copies kept and no number reused.

const open = (dir: string, extra: Partial<Parameters<typeof openDurableStore>[0]> = {}) =>
  openDurableStore({ dir, logger: captureLog().logger, recordsPerSegment: 2, ...extra });

async function items(store: DurableStore): Promise<number[]> {
  const result = await selectRows(store, 'SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } }');
  return result.rows.map((row) => Number(row.s?.value.split('/').pop())).sort((a, b) => a - b);
}

/**
 * A crash image: items 1..3 in a snapshot, then items 4..9 in the log, two records per segment
 * (wal-4, wal-6, wal-8), copied while the store is open, as a SIGKILL would leave it.
 */
async function crashImage(): Promise<string> {
  const dir = tempDir();
  const first = await open(dir);
  for (let n = 1; n <= 3; n++) await first.insert(quadsOf(n));
  await first.close(); // snapshot-…3
  const store = await open(dir);
  for (let n = 4; n <= 9; n++) await store.insert(quadsOf(n));
  const image = tempDir();
  cpSync(dir, image, { recursive: true });
  await store.close();
  return image;
}

const file = (dir: string, prefix: 'wal' | 'snapshot', seq: number): string =>
  join(dir, `${prefix}-${String(seq).padStart(16, '0')}.${prefix === 'wal' ? 'log' : 'nq'}`);

function replaceInFile(path: string, from: string, to: string): void {
  const text = readFileSync(path, 'latin1');
  expect(text).toContain(from);
  writeFileSync(path, text.replace(from, to), 'latin1');
}

/**
 * Opening refuses with a message matching `said` and the way out; accepting the loss then opens with
 * the `kept` items, keeps copies, and leaves a directory that opens plainly with a new write in it.
 */
async function expectRefusedThenRecovered(
  dir: string,
  said: RegExp,
  kept: number[],
  copiesKept = true,
): Promise<string[]> {
  const refusal = open(dir);
  await expect(refusal).rejects.toMatchObject({ code: 'Corrupt', message: expect.stringMatching(said) });
  await expect(refusal).rejects.toMatchObject({
    message: expect.stringMatching(/provml recover --data .* --accept-loss/),
  });
  const log = captureLog();
  const recovered = await open(dir, { acceptLoss: true, logger: log.logger });
  expect(await items(recovered)).toEqual(kept);
  const { seq } = await recovered.insert(quadsOf(100));
  expect(seq).toBeGreaterThan(9); // the crash image used records 1..9: none is numbered again
  await recovered.close();
  expect(readdirSync(dir).some((name) => name.startsWith('damaged-'))).toBe(copiesKept);
  const again = await open(dir);
  expect(await items(again)).toEqual([...kept, 100]);
  await again.close();
  return log.messages('warn');
}

describe('damage to a data directory', () => {
  it('the crash image itself opens with all nine items (the baseline)', async () => {
    const dir = await crashImage();
    expect(listDataDir(dir).segments.map((s) => s.seq)).toEqual([4, 6, 8]);
    expect(readManifest(dir)).toMatchObject({ snapshot: 3, segments: [4, 6, 8] });
    const store = await open(dir);
    expect(await items(store)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    await store.close();
  });

  it('a snapshot cut short at a line boundary', async () => {
    const dir = await crashImage();
    const snapshot = file(dir, 'snapshot', 3);
    const text = readFileSync(snapshot, 'latin1');
    // Cut off the trailer and the last three quads (one item, whichever the dump wrote last).
    let cut = text.length - 1;
    for (let line = 0; line < 4; line++) cut = text.lastIndexOf('\n', cut - 1);
    truncateSync(snapshot, cut + 1);
    const refusal = open(dir);
    await expect(refusal).rejects.toMatchObject({
      code: 'Corrupt',
      message: expect.stringMatching(
        /snapshot-0000000000000003\.nq is damaged: it does not end with its trailer line .*Start-up is refused/,
      ),
    });
    const recovered = await open(dir, { acceptLoss: true });
    const kept = await items(recovered);
    expect(kept).toHaveLength(8);
    expect(kept).toEqual(expect.arrayContaining([4, 5, 6, 7, 8, 9]));
    await recovered.close();
    const again = await open(dir);
    expect(await items(again)).toEqual(kept);
    await again.close();
  });

  it('one byte changed inside an IRI of a snapshot', async () => {
    const dir = await crashImage();
    replaceInFile(file(dir, 'snapshot', 3), 'example.org/item/2>', 'example.org/item/7>');
    await expectRefusedThenRecovered(
      dir,
      /snapshot-0000000000000003\.nq is damaged: its checksum does not match its content/,
      [1, 2, 3, 4, 5, 6, 7, 8, 9], // one quad of item 2 now names item 7: loaded as it is
    );
  });

  it('a changed snapshot with no log after it: accepting the loss rewrites it even without new records', async () => {
    const dir = tempDir();
    const store = await open(dir);
    for (let n = 1; n <= 3; n++) await store.insert(quadsOf(n));
    await store.close();
    const [snapshot] = listDataDir(dir).snapshots;
    replaceInFile(snapshot?.path as string, 'example.org/item/2>', 'example.org/item/5>');
    await expect(open(dir)).rejects.toMatchObject({
      message: expect.stringMatching(/checksum does not match/),
    });
    const recovered = await open(dir, { acceptLoss: true });
    await recovered.close();
    const again = await open(dir);
    expect(await items(again)).toEqual([1, 2, 3, 5]);
    await again.close();
  });

  it('the last log segment deleted', async () => {
    const dir = await crashImage();
    rmSync(file(dir, 'wal', 8));
    const warnings = await expectRefusedThenRecovered(
      dir,
      /Log segment wal-0000000000000008\.log, listed in .*MANIFEST, is missing: the acknowledged writes it held \(the records from 8 on\)/,
      [1, 2, 3, 4, 5, 6, 7],
    );
    expect(warnings.join('\n')).toMatch(/Accepted as lost/);
  });

  it('a middle log segment deleted', async () => {
    const dir = await crashImage();
    rmSync(file(dir, 'wal', 6));
    await expectRefusedThenRecovered(
      dir,
      /wal-0000000000000006\.log, listed in .*MANIFEST, is missing: the acknowledged writes it held \(records 6 to 7\)/,
      [1, 2, 3, 4, 5, 8, 9],
    );
  });

  it('the snapshot deleted', async () => {
    const dir = await crashImage();
    rmSync(file(dir, 'snapshot', 3));
    await expectRefusedThenRecovered(
      dir,
      /snapshot-0000000000000003\.nq listed in .*MANIFEST is missing/,
      [4, 5, 6, 7, 8, 9],
      false, // nothing to keep a copy of
    );
  });

  it('a flipped byte inside the last record', async () => {
    const dir = await crashImage();
    const segment = file(dir, 'wal', 8);
    const bytes = readFileSync(segment);
    bytes[bytes.length - 30] = (bytes[bytes.length - 30] ?? 0) ^ 0x01;
    writeFileSync(segment, bytes);
    await expect(open(dir)).rejects.toMatchObject({
      message: expect.not.stringMatching(/never acknowledged/),
    });
    await expectRefusedThenRecovered(
      dir,
      /wal-0000000000000008\.log is damaged at byte \d+, in record 9: a checksum mismatch; the record is complete by its length/,
      [1, 2, 3, 4, 5, 6, 7, 8],
    );
  });

  it('MANIFEST deleted next to a snapshot that says a MANIFEST was kept', async () => {
    const dir = await crashImage();
    rmSync(join(dir, 'MANIFEST'));
    await expectRefusedThenRecovered(dir, /MANIFEST is missing although/, [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });
});

describe('data directories of an older provml', () => {
  it('opens a snapshot without trailer and a directory without MANIFEST, then replaces them with checked ones', async () => {
    const dir = await crashImage();
    rmSync(join(dir, 'MANIFEST'));
    const snapshot = file(dir, 'snapshot', 3);
    const lines = readFileSync(snapshot, 'utf8').split('\n');
    writeFileSync(snapshot, `${lines.filter((line) => !line.startsWith('#')).join('\n')}`);
    const log = captureLog();
    const store = await open(dir, { logger: log.logger });
    expect(await items(store)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(log.messages('warn').join('\n')).toMatch(/written by an older provml and has no checksum/);
    expect(existsSync(join(dir, 'MANIFEST'))).toBe(true);
    await store.close();
    const [newest] = listDataDir(dir)
      .snapshots.map((s) => s.path)
      .reverse();
    expect(readFileSync(newest as string, 'utf8')).toMatch(
      /^# provml snapshot v1\n[\s\S]*\n# provml snapshot end seq=\d+ quads=27 /,
    );
  });
});

describe('log segments', () => {
  it('start a new segment after recordsPerSegment records, and a restart reads them all', async () => {
    const dir = tempDir();
    const store = await open(dir, { recordsPerSegment: 3 });
    await Promise.all(Array.from({ length: 8 }, (_, i) => store.insert(quadsOf(i + 1))));
    expect(listDataDir(dir).segments.map((s) => s.seq)).toEqual([1, 4, 7]);
    expect(readManifest(dir)?.segments).toEqual([1, 4, 7]);
    const image = tempDir();
    cpSync(dir, image, { recursive: true });
    await store.close();
    const again = await open(image);
    expect(await items(again)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(statSync(file(image, 'wal', 7)).size).toBeGreaterThan(0);
    await again.close();
  });
});
