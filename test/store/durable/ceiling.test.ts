import { cpSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { StoreReadOnlyError } from '../../../src/errors.ts';
import { askBoolean, dumpText, openDurableStore } from '../../../src/store/index.ts';
import { captureLog, quadsOf, tempDir } from './helpers.ts';

const MAIN = { termType: 'NamedNode' as const, value: 'http://example.org/g/main' };

describe('size ceiling (maxQuads)', () => {
  it('refuses writes that would cross the limit with 507 and keeps reads, dump and graph deletion working', async () => {
    const store = await openDurableStore({ dir: tempDir(), maxQuads: 20, logger: captureLog().logger });
    for (let n = 0; n < 6; n++) await store.insert(quadsOf(n));
    const refused = store.insert(quadsOf(6));
    await expect(refused).rejects.toBeInstanceOf(StoreReadOnlyError);
    await expect(refused).rejects.toMatchObject({
      code: 'Full',
      message: expect.stringMatching(/limit of 20.*export.*drop old graphs.*server engine/s),
    });
    await store.insert(quadsOf(7, 2, 'other'));
    expect((await store.stats()).quads).toBe(20);

    // At the limit: nothing that may add quads, even an INSERT … WHERE that would add none here.
    await expect(
      store.update('INSERT DATA { <http://example.org/x> <http://example.org/p> 1 }'),
    ).rejects.toMatchObject({ code: 'Full' });
    await expect(
      store.update('INSERT { ?s <http://example.org/q> 1 } WHERE { ?s <http://example.org/none> ?o }'),
    ).rejects.toMatchObject({ code: 'Full' });
    const stats = await store.stats();
    expect(stats).toMatchObject({
      quads: 20,
      readOnly: true,
      readOnlyReason: expect.stringMatching(/at its limit of 20/),
    });
    expect(await askBoolean(store, 'ASK { GRAPH ?g { <http://example.org/item/3> ?p ?o } }')).toBe(true);
    expect((await dumpText(store.dump({ format: 'application/n-quads' }))).trim().split('\n')).toHaveLength(
      20,
    );

    // Deleting frees room again.
    await store.update('DELETE WHERE { GRAPH <http://example.org/g/other> { ?s ?p ?o } }');
    await store.dropGraph(MAIN);
    expect(await store.stats()).toMatchObject({ quads: 0, readOnly: false });
    await store.insert(quadsOf(8));
    expect((await store.stats()).quads).toBe(3);
    await store.close();
  });

  it('opens read-only, saying why, when the log holds more than the limit, and leaves the files as they were', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir, logger: captureLog().logger });
    for (let n = 0; n < 10; n++) await store.insert(quadsOf(n));
    // The crash image: 10 records in the log, no snapshot.
    const image = tempDir();
    cpSync(dir, image, { recursive: true });
    rmSync(join(image, 'LOCK'));
    await store.close();
    const files = Object.fromEntries(
      readdirSync(image).map((name) => [name, readFileSync(join(image, name))]),
    );

    const log = captureLog();
    const limited = await openDurableStore({ dir: image, maxQuads: 10, logger: log.logger });
    const stats = await limited.stats();
    expect(stats).toMatchObject({
      readOnly: true,
      readOnlyReason: expect.stringMatching(/stopped loading .* read-only/),
    });
    expect(stats.quads).toBeGreaterThan(10);
    expect(stats.quads).toBeLessThan(30);
    await expect(limited.insert(quadsOf(99))).rejects.toMatchObject({ code: 'Full' });
    await expect(limited.dropGraph(MAIN)).rejects.toMatchObject({ code: 'Full' });
    expect(log.messages('warn').join('\n')).toMatch(/Start-up stopped loading/);
    await limited.close();
    // LOCK stays (only the kernel lock on it comes and goes); the data files are untouched.
    const after = readdirSync(image).filter((name) => name !== 'LOCK');
    expect(Object.fromEntries(after.map((name) => [name, readFileSync(join(image, name))]))).toEqual(files);

    // Given room, everything is there.
    const roomy = await openDurableStore({ dir: image, maxQuads: 100, logger: captureLog().logger });
    expect(await roomy.stats()).toMatchObject({ quads: 30, readOnly: false });
    await roomy.close();
  });

  it('opens a snapshot over the limit with writes refused but deletion allowed', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir, logger: captureLog().logger });
    for (let n = 0; n < 10; n++) await store.insert(quadsOf(n, 3, `g${n}`));
    await store.close();
    const limited = await openDurableStore({ dir, maxQuads: 10, logger: captureLog().logger });
    expect(await limited.stats()).toMatchObject({ quads: 30, readOnly: true });
    await expect(limited.insert(quadsOf(99))).rejects.toMatchObject({ code: 'Full' });
    for (let n = 0; n < 7; n++)
      await limited.dropGraph({ termType: 'NamedNode', value: `http://example.org/g/g${n}` });
    expect(await limited.stats()).toMatchObject({ quads: 9, readOnly: false });
    await limited.close();
  });
});
