import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listDataDir } from '../../../src/store/durable/files.ts';
import type { SnapshotOutcome } from '../../../src/store/durable/protocol.ts';
import {
  BackgroundSnapshotBuilder,
  SnapshotCancelledError,
  type SnapshotWriter,
} from '../../../src/store/durable/snapshot-builder.ts';
import { BACKGROUND_NICE } from '../../../src/store/durable/thread-priority.ts';
import { type DurableStore, dumpText, openDurableStore } from '../../../src/store/index.ts';
import { captureLog, quadsOf, sortedLines, tempDir } from './helpers.ts';

const EX = 'http://example.org/';

/** A writer that holds each build until `release()`, then hands it to the real builder (or fails it). */
class HeldWriter implements SnapshotWriter {
  readonly seqs: number[] = [];
  private gate: (() => void) | undefined;
  private cancelGate: ((error: Error) => void) | undefined;
  started: Promise<number>;
  private onStarted: ((seq: number) => void) | undefined;

  constructor(
    private readonly real: SnapshotWriter | undefined,
    private readonly failWith?: Error,
  ) {
    this.started = new Promise((resolve) => {
      this.onStarted = resolve;
    });
  }

  async build(seq: number): Promise<SnapshotOutcome> {
    this.seqs.push(seq);
    this.onStarted?.(seq);
    await new Promise<void>((resolve, reject) => {
      this.gate = resolve;
      this.cancelGate = reject;
    });
    if (this.failWith || !this.real) throw this.failWith ?? new Error('no builder');
    return this.real.build(seq);
  }

  release(): void {
    this.gate?.();
  }

  async cancel(): Promise<void> {
    this.cancelGate?.(new SnapshotCancelledError());
  }
}

async function contentOf(store: DurableStore): Promise<string[]> {
  return sortedLines(await dumpText(store.dump({ format: 'application/n-quads' })));
}

async function reopenedContent(dir: string): Promise<string[]> {
  const copy = tempDir();
  for (const name of readdirSync(dir))
    if (name !== 'LOCK' && !name.endsWith('.tmp')) copyFileSync(join(dir, name), join(copy, name));
  const store = await openDurableStore({ dir: copy, logger: captureLog().logger });
  try {
    return await contentOf(store);
  } finally {
    await store.close();
  }
}

/** A store whose snapshots fall due after 2 KiB of log, written by `writer`. */
function openWithWriter(dir: string, writer: SnapshotWriter, log = captureLog()): Promise<DurableStore> {
  return openDurableStore({ dir, snapshotAfterBytes: 2048, snapshotWriter: writer, logger: log.logger });
}

/** Writes until a snapshot is due and its build has started; returns the build's log position. */
async function writeUntilBuildStarts(store: DurableStore, writer: HeldWriter): Promise<number> {
  let started: number | undefined;
  writer.started.then((seq) => {
    started = seq;
  });
  for (let n = 0; started === undefined; n++) {
    if (n > 500) throw new Error('no snapshot was started');
    await store.insert(quadsOf(n, 4, `g${n % 3}`));
  }
  return started;
}

describe('snapshots written in the background', () => {
  it('keeps acknowledging writes and answering queries while a snapshot is built, and the snapshot holds the state at its log position', async () => {
    const dir = tempDir();
    const writer = new HeldWriter(new BackgroundSnapshotBuilder(dir));
    const log = captureLog();
    const store = await openWithWriter(dir, writer, log);
    const boundary = await writeUntilBuildStarts(store, writer);
    // The build is held: the engine is not busy with it, so writes, updates and reads go on.
    await store.insert(quadsOf(1000, 3, 'during'));
    await store.update(`DELETE WHERE { GRAPH <${EX}g/g0> { ?s <${EX}p0> ?o } }`);
    expect(await contentOf(store)).toContain(`<${EX}item/1000> <${EX}p0> "1000-0" <${EX}g/during> .`);
    writer.release();
    await store.snapshotIdle();

    const files = listDataDir(dir);
    expect(files.snapshots.map((s) => s.seq)).toEqual([boundary]);
    expect(files.segments.every((segment) => segment.seq > boundary)).toBe(true);
    // The snapshot was replayed from the log up to its position: the write held back is not in it.
    const snapshotText = readFileSync(files.snapshots[0]?.path as string, 'utf8');
    expect(snapshotText).not.toContain(`${EX}g/during`);
    const deletedLater = `<${EX}item/0> <${EX}p0> "0-0" <${EX}g/g0> .`;
    expect(snapshotText).toContain(deletedLater);
    expect(await contentOf(store)).not.toContain(deletedLater);
    expect(snapshotText).toContain(`<${EX}item/0> <${EX}p1> "0-1" <${EX}g/g0> .`);
    // Snapshot + the log after it is exactly what the store holds.
    expect(await reopenedContent(dir)).toEqual(await contentOf(store));
    expect(log.messages('info')).toContain('Snapshot written.');
    await store.close();
  });

  it('has the engine write the snapshot when the background build fails, and says so', async () => {
    const dir = tempDir();
    const writer = new HeldWriter(undefined, new Error('out of memory (simulated)'));
    const log = captureLog();
    const store = await openWithWriter(dir, writer, log);
    await writeUntilBuildStarts(store, writer);
    writer.release();
    await store.snapshotIdle();
    expect(log.messages('warn').some((m) => m.startsWith('The background snapshot failed'))).toBe(true);
    const files = listDataDir(dir);
    expect(files.snapshots).toHaveLength(1);
    expect(files.snapshots[0]?.seq).toBeGreaterThanOrEqual(writer.seqs[0] as number);
    expect(await reopenedContent(dir)).toEqual(await contentOf(store));
    await store.close();
  });

  it('stops a build in progress on close and writes the closing snapshot with the engine', async () => {
    const dir = tempDir();
    const writer = new HeldWriter(new BackgroundSnapshotBuilder(dir));
    const store = await openWithWriter(dir, writer);
    await writeUntilBuildStarts(store, writer);
    await store.insert(quadsOf(2000, 2, 'last'));
    const expected = await contentOf(store);
    await store.close(); // never released: close() must not wait for the build
    const files = listDataDir(dir);
    expect(files.snapshots).toHaveLength(1);
    expect(files.temporary).toEqual([]);
    expect(await reopenedContent(dir)).toEqual(expected);
  });

  it('builds the snapshot of a store with every kind of write from the files alone', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir, snapshotInBackground: false, logger: captureLog().logger });
    await store.insert(quadsOf(1, 5, 'a'));
    await store.load(`_:b <${EX}p> "x" <${EX}g/b1> .\n_:b <${EX}p> "y" <${EX}g/b2> .\n`, {
      format: 'application/n-quads',
    });
    await store.update(`DELETE WHERE { GRAPH <${EX}g/a> { <${EX}item/1> <${EX}p0> ?o } }`);
    await store.dropGraph({ termType: 'NamedNode', value: `${EX}g/missing` }).catch(() => undefined);
    const expected = await contentOf(store);
    const seq = store.logCounters().records;
    const builder = new BackgroundSnapshotBuilder(dir);
    const outcome = await builder.build(seq);
    expect(outcome.quads).toBe(expected.length);
    const lines = readFileSync(outcome.path, 'utf8')
      .split('\n')
      .filter((line) => line !== '' && !line.startsWith('#'));
    // Blank node labels are the builder's own; everything else is the same quads.
    const withoutBlanks = (text: string[]) => text.map((l) => l.replace(/_:\S+/g, '_:b')).sort();
    expect(withoutBlanks(lines)).toEqual(withoutBlanks(expected));
    // Its thread stepped aside for the serving threads (Linux keeps a nice value per thread).
    expect(builder.lastBuildNice).toBe(process.platform === 'linux' ? BACKGROUND_NICE : undefined);
    await store.close();
  });
});
