import { describe, expect, it, vi } from 'vitest';
import { DEFAULT_ONTOLOGY_DIR } from '../../../src/ontology/files.ts';
import { graphContent, partsContent } from '../../../src/server/graph-store/content.ts';
import * as store from '../../../src/store/index.ts';

// Every parse of a body goes through a scratch memory store: counting them counts the parses.
vi.mock('../../../src/store/index.ts', async (original) => {
  const actual = await original<typeof import('../../../src/store/index.ts')>();
  return { ...actual, openMemoryStore: vi.fn(actual.openMemoryStore) };
});
const scratchStores = vi.mocked(store.openMemoryStore);

const options = { baseIri: 'http://e/graph', maxChars: 1 << 20, ontologyDir: DEFAULT_ONTOLOGY_DIR };
const lines = (text: string): string[] => text.split('\n').filter((line) => line !== '');

describe('Graph Store bodies as content for one graph', () => {
  it('parses each part of a multipart body once, whatever its format, and keeps its blank nodes its own', async () => {
    scratchStores.mockClear();
    const content = await partsContent(
      [
        { text: '<http://e/s> <http://e/p> _:b .\n', mediaType: 'application/n-quads' },
        { text: '{ <s> <http://e/p> [ <http://e/q> "2" ] }', mediaType: 'application/trig' },
        { text: '@prefix e: <http://e/> . e:t e:p _:b .', mediaType: 'text/turtle' },
      ],
      options,
    );
    expect(scratchStores).toHaveBeenCalledTimes(3);
    expect(content.format).toBe('application/n-triples');
    const triples = lines(content.data);
    expect(triples).toHaveLength(4);
    // Relative IRIs resolve against the graph's IRI.
    expect(triples.some((line) => line.startsWith('<http://e/s> <http://e/p> _:'))).toBe(true);
    // The two parts' `_:b` are two nodes.
    const objects = triples
      .filter((line) => / <http:\/\/e\/p> _:/.test(line))
      .map((line) => line.split(' ')[2]);
    expect(new Set(objects).size).toBe(3);
  });

  it('refuses a part with named graphs, after one parse', async () => {
    scratchStores.mockClear();
    await expect(
      partsContent(
        [{ text: '<http://e/s> <http://e/p> "1" <http://e/g> .\n', mediaType: 'application/n-quads' }],
        options,
      ),
    ).rejects.toThrow(/named graph <http:\/\/e\/g>/);
    expect(scratchStores).toHaveBeenCalledTimes(1);
  });

  it('hands a single triple-format body to the store as it is, and parses a quad format once', async () => {
    scratchStores.mockClear();
    const turtle = '<s> <http://e/p> "1" .';
    expect(await graphContent(turtle, 'text/turtle', options)).toEqual({
      data: turtle,
      format: 'text/turtle',
    });
    expect(scratchStores).not.toHaveBeenCalled();
    const quads = await graphContent('<http://e/s> <http://e/p> "1" .\n', 'application/n-quads', options);
    expect(quads).toEqual({ data: '<http://e/s> <http://e/p> "1" .\n', format: 'application/n-triples' });
    expect(scratchStores).toHaveBeenCalledTimes(1);
  });
});
