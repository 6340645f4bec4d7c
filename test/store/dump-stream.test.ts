import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreClosedError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import type { QuadData } from '../../src/rdf/index.ts';
import { dumpText, openDurableStore, openMemoryStore, type ProvStore } from '../../src/store/index.ts';

// Dumps are streams: pages of a bounded size, read only as the reader pulls them. The contract over the
// durable store and Virtuoso is in test/integration/backends.test.ts; here the memory store, and what the
// durable store's worker protocol adds (a paused dump holds the engine, stopping it frees it).

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

  it('durable store: a query waits behind a paused dump and runs once the reader stops it', async () => {
    const store = await durable();
    try {
      await store.insert(quads(20));
      const iterator = store.dump({ format: 'application/n-quads', pageQuads: 2 })[Symbol.asyncIterator]();
      expect(lineCount((await iterator.next()).value as string)).toBe(2);
      // Acknowledged from the log while the dump holds the engine; seen by the query queued after it.
      await store.insert(quads(1, `${EX}later`));
      const counted = store.select(`SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }`);
      await iterator.return?.(undefined);
      expect((await counted).rows[0]?.n?.value).toBe('21');
    } finally {
      await store.close();
    }
  });

  it('durable store: closing ends a dump the reader left open, and the reader is told it was cut', async () => {
    const store = await durable();
    await store.insert(quads(5));
    const iterator = store.dump({ format: 'application/n-quads', pageQuads: 1 })[Symbol.asyncIterator]();
    await iterator.next();
    await store.close();
    const rest: string[] = [];
    const reading = (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) rest.push(next.value);
    })();
    await expect(reading).rejects.toBeInstanceOf(StoreClosedError);
    expect(rest.length).toBeLessThanOrEqual(2);
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
