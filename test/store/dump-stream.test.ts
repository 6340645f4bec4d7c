import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreClosedError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import type { QuadData } from '../../src/rdf/index.ts';
import {
  dumpText,
  openDurableStore,
  openMemoryStore,
  type ProvStore,
  selectRows,
} from '../../src/store/index.ts';

// Dumps are streams: pages of a bounded size, read only as the reader pulls them. The contract over the
// durable store and Virtuoso is in test/integration/backends.test.ts; here the memory store, and what the
// durable store's worker protocol adds (a paused dump holds no query or write: the pages its reader has
// not reached wait in a spool file, removed when the dump ends, is given up or the store closes).

const EX = 'http://example.org/';
const quads = (count: number, graph = `${EX}g`): QuadData[] =>
  Array.from({ length: count }, (_, i) => ({
    subject: { termType: 'NamedNode', value: `${EX}s${i}` },
    predicate: { termType: 'NamedNode', value: `${EX}p` },
    object: {
      termType: 'Literal',
      value: `v${i}`,
      language: '',
      datatype: { termType: 'NamedNode', value: 'http://www.w3.org/2001/XMLSchema#string' },
    },
    graph: { termType: 'NamedNode', value: graph },
  }));
const lineCount = (text: string): number => text.split('\n').filter(Boolean).length;
const spoolFiles = async (): Promise<string[]> =>
  (await readdir(dir)).filter((name) => name.endsWith('.spool.tmp'));
const COUNT = 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }';
const count = async (store: ProvStore): Promise<string | undefined> =>
  (await selectRows(store, COUNT)).rows[0]?.n?.value;

async function rest(iterator: AsyncIterator<string>): Promise<string[]> {
  const pages: string[] = [];
  for (let next = await iterator.next(); !next.done; next = await iterator.next()) pages.push(next.value);
  return pages;
}

let dir = '';
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = '';
});

async function durable(): Promise<ProvStore> {
  dir = await mkdtemp(join(tmpdir(), 'provml-dump-'));
  return openDurableStore({ dir, logger: silentLogger() });
}

describe('dump streams', () => {
  it('memory store: pages of at most pageQuads, and nothing read past where the reader stops', async () => {
    const store = await openMemoryStore();
    await store.insert(quads(10));
    const pages: string[] = [];
    for await (const page of store.dump({ format: 'application/n-quads', pageQuads: 3 })) pages.push(page);
    expect(pages.map(lineCount)).toEqual([3, 3, 3, 1]);
    const reader = store.dump({ format: 'application/n-triples', graph: quads(1)[0]?.graph, pageQuads: 3 });
    const iterator = reader[Symbol.asyncIterator]();
    expect(lineCount(((await iterator.next()).value as string) ?? '')).toBe(3);
    await iterator.return?.(undefined);
    expect((await iterator.next()).done).toBe(true);
  });

  it('durable store: a dump whose reader does not read holds no query or write, and shows the store as it was', async () => {
    const store = await durable();
    try {
      await store.insert(quads(20));
      const events: string[] = [];
      const iterator = store.dump({ format: 'application/n-quads', pageQuads: 1 })[Symbol.asyncIterator]();
      events.push(`page: ${lineCount((await iterator.next()).value as string)}`);
      // Queued behind the dump: with the engine held until the dump is read, these never answer.
      events.push(`query: ${await count(store)}`);
      await store.insert(quads(1, `${EX}later`));
      events.push(`after a write: ${await count(store)}`);
      expect(await spoolFiles()).toHaveLength(1);
      events.push(`rest of the dump: ${lineCount((await rest(iterator)).join(''))}`);
      expect(events).toEqual(['page: 1', 'query: 20', 'after a write: 21', 'rest of the dump: 19']);
      expect(await spoolFiles()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('durable store: a spooled dump is byte for byte the dump read at once', async () => {
    const store = await durable();
    try {
      await store.load(
        [
          '<http://example.org/a> <http://example.org/p> "caf\u00e9 \u00fcber \uD83D\uDE00 \u65e5\u672c" .',
          '<http://example.org/a> <http://example.org/p> "tab\\there\\nnewline \\"quoted\\""@en <http://example.org/g2> .',
          '_:b <http://example.org/p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> _:graph .',
          '',
        ].join('\n'),
        { format: 'application/n-quads' },
      );
      await store.insert([...quads(30), ...quads(7, `${EX}h\u00e9`)]);
      const whole = await dumpText(store.dump({ format: 'application/n-quads' }));
      const iterator = store.dump({ format: 'application/n-quads', pageQuads: 2 })[Symbol.asyncIterator]();
      const first = (await iterator.next()).value as string;
      await count(store); // answered once the whole dump is produced, so every page after the first two is spooled
      expect(await spoolFiles()).toHaveLength(1);
      const spooled = first + (await rest(iterator)).join('');
      expect(Buffer.from(spooled).equals(Buffer.from(whole))).toBe(true);
      expect(lineCount(whole)).toBe(40);
    } finally {
      await store.close();
    }
  });

  it('durable store: a reader that stops early removes the spool', async () => {
    const store = await durable();
    try {
      await store.insert(quads(10));
      const iterator = store.dump({ format: 'application/n-quads', pageQuads: 1 })[Symbol.asyncIterator]();
      await iterator.next();
      await count(store);
      expect(await spoolFiles()).toHaveLength(1);
      await iterator.return?.(undefined);
      expect(await spoolFiles()).toEqual([]);
      expect((await iterator.next()).done).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('durable store: closing ends a dump the reader left open, removes its spool, and the reader is told it was cut', async () => {
    const store = await durable();
    await store.insert(quads(5));
    const iterator = store.dump({ format: 'application/n-quads', pageQuads: 1 })[Symbol.asyncIterator]();
    await iterator.next();
    await count(store);
    expect(await spoolFiles()).toHaveLength(1);
    await store.close();
    expect(await spoolFiles()).toEqual([]);
    await expect(rest(iterator)).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('durable store: a spool left by a killed process is removed at start-up', async () => {
    dir = await mkdtemp(join(tmpdir(), 'provml-dump-'));
    await writeFile(join(dir, 'dump-left-over.spool.tmp'), 'a page\n');
    const store = await openDurableStore({ dir, logger: silentLogger() });
    expect(await spoolFiles()).toEqual([]);
    await store.close();
  });

  it('durable store: closing ends a dump still being produced, and the reader is told it was cut', async () => {
    const store = await durable();
    await store.insert(quads(5));
    const iterator = store.dump({ format: 'application/n-quads', pageQuads: 1 })[Symbol.asyncIterator]();
    await iterator.next();
    await store.close();
    await expect(rest(iterator)).rejects.toBeInstanceOf(StoreClosedError);
    expect(await spoolFiles()).toEqual([]);
  });

  it('a graph named by a blank node is refused, not read as every graph', async () => {
    const store = await openMemoryStore();
    await store.load('<http://example.org/a> <http://example.org/p> "x" _:g .\n', {
      format: 'application/n-quads',
    });
    await expect(
      dumpText(store.dump({ format: 'application/n-quads', graph: { termType: 'BlankNode', value: 'g' } })),
    ).rejects.toMatchObject({ code: 'BadRequest' });
  });
});
