import { copyFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDataDir } from '../../../src/store/durable/files.ts';
import { askBoolean, type DurableStore, dumpText, openDurableStore } from '../../../src/store/index.ts';
import { captureLog, quadsOf, sortedLines, tempDir } from './helpers.ts';

const EX = 'http://example.org/';
const graph = (name: string) => ({ termType: 'NamedNode' as const, value: `${EX}g/${name}` });

/** Every kind of write, enough of them to cross several snapshot thresholds. */
async function writeMixture(store: DurableStore, from: number, to: number): Promise<void> {
  for (let n = from; n < to; n++) {
    await store.insert(quadsOf(n, 3, `g${n % 4}`));
    if (n % 5 === 0)
      await store.update(
        `DELETE { GRAPH ?g { ?s <${EX}p0> ?o } } INSERT { GRAPH ?g { ?s <${EX}seen> ${n} } } WHERE { GRAPH ?g { ?s <${EX}p0> ?o } }`,
      );
    if (n % 7 === 0)
      await store.load(`<${EX}t${n}> <${EX}label> "turtle ${n}"@en .`, {
        format: 'text/turtle',
        graph: graph(`turtle${n}`),
      });
    if (n % 11 === 0) await store.dropGraph(graph(`g${n % 4}`));
    if (n % 13 === 0)
      await store.replaceGraph(graph('replaced'), `<${EX}r> <${EX}version> ${n} .`, {
        format: 'text/turtle',
      });
  }
  await store.insert(
    quadsOf(to, 2, 'default-check').map((q) => ({ ...q, graph: { termType: 'DefaultGraph', value: '' } })),
  );
}

/** Copies the files of an open store: what a crash at this moment would leave on disk. */
function crashImage(dir: string): string {
  const copy = tempDir();
  for (const name of readdirSync(dir))
    if (name !== 'LOCK' && !name.endsWith('.tmp')) copyFileSync(join(dir, name), join(copy, name));
  return copy;
}

async function contentOf(dir: string): Promise<string[]> {
  const store = await openDurableStore({ dir, logger: captureLog().logger });
  try {
    return sortedLines(await dumpText(store.dump({ format: 'application/n-quads' })));
  } finally {
    await store.close();
  }
}

describe('snapshot + log replay', () => {
  it('restores exactly the same quads from snapshot + log as the store held before', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir, snapshotAfterBytes: 2048, logger: captureLog().logger });
    await writeMixture(store, 1, 60);
    // Snapshots are written in the background: wait for the one under way, then log one more record
    // (far below the next threshold), so the crash image holds a snapshot and log after it.
    await store.snapshotIdle();
    await store.insert(quadsOf(60, 1, 'after-snapshot'));
    const before = sortedLines(await dumpText(store.dump({ format: 'application/n-quads' })));
    const image = crashImage(dir);
    await store.close();

    const files = listDataDir(image);
    expect(files.snapshots.length).toBeGreaterThan(0);
    const logBytesAfterSnapshot = files.segments
      .filter((s) => s.seq > (files.snapshots.at(-1)?.seq ?? 0))
      .reduce((sum, s) => sum + statSync(s.path).size, 0);
    expect(logBytesAfterSnapshot).toBeGreaterThan(0);

    expect(before.length).toBeGreaterThan(50);
    expect(await contentOf(image)).toEqual(before);
    // After close: one snapshot, an empty log.
    expect(await contentOf(dir)).toEqual(before);
    expect(listDataDir(dir).snapshots).toHaveLength(1);
  });

  it('keeps writes made before and after a restart, and removes the files a snapshot covers', async () => {
    const dir = tempDir();
    const first = await openDurableStore({ dir, snapshotAfterBytes: 1024, logger: captureLog().logger });
    await writeMixture(first, 1, 20);
    await first.close();
    const second = await openDurableStore({ dir, snapshotAfterBytes: 1024, logger: captureLog().logger });
    await writeMixture(second, 20, 40);
    const expected = sortedLines(await dumpText(second.dump({ format: 'application/n-quads' })));
    await second.close();
    expect(await contentOf(dir)).toEqual(expected);
    const files = listDataDir(dir);
    expect(files.snapshots).toHaveLength(1);
    expect(files.segments.every((s) => s.seq > (files.snapshots[0]?.seq ?? 0))).toBe(true);
  });

  it('keeps a blank node shared by two graphs shared after reloading the snapshot', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir, logger: captureLog().logger });
    await store.load(`_:run <${EX}p> "a" <${EX}g/1> .\n_:run <${EX}p> "b" <${EX}g/2> .\n`, {
      format: 'application/n-quads',
    });
    await store.close();
    const reopened = await openDurableStore({ dir, logger: captureLog().logger });
    expect(
      await askBoolean(
        reopened,
        `ASK { GRAPH <${EX}g/1> { ?x <${EX}p> "a" } GRAPH <${EX}g/2> { ?x <${EX}p> "b" } }`,
      ),
    ).toBe(true);
    await reopened.close();
  });
});
