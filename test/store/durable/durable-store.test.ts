import { statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { StoreClosedError } from '../../../src/errors.ts';
import { listDataDir } from '../../../src/store/durable/files.ts';
import { askBoolean, DurableStore, openDurableStore, selectRows } from '../../../src/store/index.ts';
import { captureLog, quadsOf, tempDir } from './helpers.ts';

const logBytes = (dir: string): number =>
  listDataDir(dir).segments.reduce((sum, s) => sum + statSync(s.path).size, 0);

describe('DurableStore', () => {
  it('acknowledges many concurrent inserts with shared fsyncs (group commit), all present', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir, logger: captureLog().logger });
    const receipts = await Promise.all(Array.from({ length: 300 }, (_, n) => store.insert(quadsOf(n, 2))));
    expect(new Set(receipts.map((r) => r.seq)).size).toBe(300);
    const counters = store.logCounters();
    expect(counters.records).toBe(300);
    expect(counters.syncs).toBeLessThan(counters.records / 10);
    expect(await store.stats()).toMatchObject({ quads: 600, graphs: 1, readOnly: false });
    await store.close();
    const reopened = await openDurableStore({ dir, logger: captureLog().logger });
    expect((await reopened.stats()).quads).toBe(600);
    await reopened.close();
  });

  it('refuses malformed writes with 400 before logging them', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir, logger: captureLog().logger });
    await store.insert(quadsOf(1));
    const bytes = logBytes(dir);
    await expect(store.update('INSERT DATA { <http://example.org/a> ')).rejects.toMatchObject({
      code: 'BadRequest',
    });
    await expect(
      store.load('<http://example.org/a> <http://example.org/p> .', { format: 'text/turtle' }),
    ).rejects.toMatchObject({ code: 'BadRequest' });
    await expect(
      store.insert([{ ...quadsOf(2)[0]!, predicate: { termType: 'NamedNode', value: 'not an iri' } }]),
    ).rejects.toMatchObject({ code: 'BadRequest' });
    expect(logBytes(dir)).toBe(bytes);
    expect(store.logCounters().records).toBe(1);
    await store.close();
  });

  it('answers an update that fails on the data with 400, and replays it the same way after a restart', async () => {
    const dir = tempDir();
    const log = captureLog();
    const store = await openDurableStore({ dir, logger: log.logger });
    await store.insert(quadsOf(1));
    await expect(store.update('DROP GRAPH <http://example.org/missing>')).rejects.toMatchObject({
      code: 'BadRequest',
      message: expect.stringMatching(/does not exist/),
    });
    await store.insert(quadsOf(2));
    // Copy the crash image (no final snapshot) so the failed update is replayed.
    const { cpSync, rmSync } = await import('node:fs');
    const image = tempDir();
    cpSync(dir, image, { recursive: true });
    rmSync(`${image}/LOCK`);
    await store.close();
    const reopened = await openDurableStore({ dir: image, logger: log.logger });
    expect((await reopened.stats()).quads).toBe(6);
    expect(log.messages('warn').join('\n')).toMatch(/Record 2 failed again on replay/);
    await reopened.close();
  });

  it('sees its own writes: reads issued after an acknowledged write observe it', async () => {
    const store = await openDurableStore({ dir: tempDir(), logger: captureLog().logger });
    for (let n = 0; n < 20; n++) {
      await store.insert(quadsOf(n));
      expect(await askBoolean(store, `ASK { GRAPH ?g { <http://example.org/item/${n}> ?p ?o } }`)).toBe(true);
    }
    await store.dropGraph({ termType: 'NamedNode', value: 'http://example.org/g/main' });
    expect(await store.listGraphs()).toEqual([]);
    await store.close();
  });

  it('keeps the blank nodes of separate loads apart, also when the engine takes them in one run', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir, logger: captureLog().logger });
    const loads = Array.from({ length: 50 }, (_, n) =>
      store.load(
        `_:run <http://example.org/n> "${n}" .\n<http://example.org/plain/${n}> <http://example.org/n> "${n}" .\n`,
        {
          format: 'application/n-quads',
        },
      ),
    );
    await Promise.all(loads);
    const count =
      'SELECT (COUNT(DISTINCT ?s) AS ?c) WHERE { ?s <http://example.org/n> ?o FILTER(isBlank(?s)) }';
    expect((await selectRows(store, count)).rows[0]?.c?.value).toBe('50');
    await store.close();
    const reopened = await openDurableStore({ dir, logger: captureLog().logger });
    expect((await selectRows(reopened, count)).rows[0]?.c?.value).toBe('50');
    expect((await reopened.stats()).quads).toBe(100);
    await reopened.close();
  });

  it('throws StoreClosedError before open and after close', async () => {
    const dir = tempDir();
    const unopened = new DurableStore({ dir });
    await expect(selectRows(unopened, 'SELECT * {}')).rejects.toBeInstanceOf(StoreClosedError);
    const store = await openDurableStore({ dir });
    await store.close();
    await expect(store.insert(quadsOf(1))).rejects.toBeInstanceOf(StoreClosedError);
    await expect(store.stats()).rejects.toBeInstanceOf(StoreClosedError);
  });
});
