import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors.ts';
import { prepareQueryAtEdge } from '../../../src/store/index.ts';

const TEXT = 'SELECT ?s WHERE { ?s ?p ?o } LIMIT 1';

describe('prepareQueryAtEdge cache', () => {
  it('prepares a repeated text with the same options once, and frozen', async () => {
    const first = await prepareQueryAtEdge(TEXT, { baseIri: 'http://ex.org/a/' });
    const again = await prepareQueryAtEdge(TEXT, { baseIri: 'http://ex.org/a/' });
    expect(again).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.parsed)).toBe(true);
    expect(() => {
      (first.parsed as { limit?: number }).limit = 5;
    }).toThrow(TypeError);
    const again2 = await prepareQueryAtEdge(TEXT, { baseIri: 'http://ex.org/a/' });
    expect((again2.parsed as { limit?: number }).limit).toBe(1);
  });

  it('keys on the options: another base IRI or dataset is another prepared query', async () => {
    const a = await prepareQueryAtEdge(TEXT, { baseIri: 'http://ex.org/a/' });
    const b = await prepareQueryAtEdge(TEXT, { baseIri: 'http://ex.org/b/' });
    const named = await prepareQueryAtEdge(TEXT, { dataset: { namedGraphs: ['http://ex.org/g'] } });
    expect(b).not.toBe(a);
    expect(b.baseIri).toBe('http://ex.org/b/');
    expect(named.dataset).toEqual({ namedGraphs: ['http://ex.org/g'] });
  });

  it('keeps no failure: a text that does not parse is refused each time', async () => {
    for (let i = 0; i < 2; i++)
      await expect(prepareQueryAtEdge('SELECT ?s WHERE { ?s ?p }')).rejects.toBeInstanceOf(BadRequestError);
  });
});
