import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CSV,
  N_TRIPLES,
  parseRdf,
  quadsToNQuads,
  SPARQL_RESULTS_JSON,
  serializeSolutions,
} from '../../src/rdf/index.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { dumpText, querySerialized, selectRows } from '../../src/store/index.ts';
import { openTestStore, testBackend } from '../support/test-store.ts';

// A large answer, serialized by the store, is the same document its data answer gives, on every backend. On
// Virtuoso it is read from the engine and written on as it arrives, so it comes in more than one piece.

const EX = 'http://example.org/';
const COUNT = 5_000;
const SELECT = `SELECT ?s ?label WHERE { ?s <${EX}label> ?label } ORDER BY ?s`;
const CONSTRUCT = `CONSTRUCT WHERE { ?s <${EX}label> ?label }`;

let store: ProvStore;
beforeAll(async () => {
  store = await openTestStore();
  const triples = Array.from(
    { length: COUNT },
    (_, i) => `<${EX}s${String(i).padStart(5, '0')}> <${EX}label> "row ${i} \\"quoted\\", with, commas"@en .`,
  );
  for (let from = 0; from < COUNT; from += 1_000)
    await store.update(`INSERT DATA { ${triples.slice(from, from + 1_000).join('\n')} }`);
});
afterAll(async () => {
  await store.close();
});

async function pieces(body: AsyncIterable<string>): Promise<string[]> {
  const read: string[] = [];
  for await (const piece of body) read.push(piece);
  return read;
}

describe(`serialized answers on ${testBackend()}`, () => {
  // JSON and CSV: the formats every backend writes alike (XML and TSV spacing differ: Oxigraph's or the kernel's).
  it.each([SPARQL_RESULTS_JSON, CSV])('SELECT as %s', async (results) => {
    const expected = serializeSolutions(await selectRows(store, SELECT), results);
    const answer = await querySerialized(store, SELECT, { results, graph: N_TRIPLES });
    const read = await pieces(answer.body);
    expect(read.join('')).toBe(expected);
    expect(read.length > 1).toBe(testBackend() === 'virtuoso');
  });

  it('CONSTRUCT as N-Triples', async () => {
    const answer = await querySerialized(store, CONSTRUCT, {
      results: SPARQL_RESULTS_JSON,
      graph: N_TRIPLES,
    });
    const text = await dumpText(answer.body);
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(COUNT);
    expect(quadsToNQuads(await parseRdf(text, N_TRIPLES))).toBe(text);
  });
});
