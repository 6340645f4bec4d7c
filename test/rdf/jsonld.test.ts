import { afterEach, describe, expect, it, vi } from 'vitest';
import { readTriples } from '../../src/ontology/index.ts';
import {
  jsonLdToNQuads,
  loadJsonLdEnvironment,
  parseRdf,
  RemoteContextError,
  syntaxNamed,
} from '../../src/rdf/index.ts';

const SHIPPED = 'https://w3id.org/provml/context.jsonld';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('the one JSON-LD document loader', () => {
  it('serves the shipped context by its IRI', async () => {
    const doc = { '@context': SHIPPED, '@id': 'https://e/run', '@type': 'WorkflowExecution' };
    const quads = await parseRdf(JSON.stringify(doc), 'application/ld+json');
    expect(quads.map((q) => q.object.value)).toEqual(['https://w3id.org/provml#WorkflowExecution']);
  });

  it('refuses a term the context does not map, instead of dropping it', async () => {
    const doc = { '@context': { ex: 'http://e/' }, '@id': 'http://e/a', 'ex:kept': 'x', unmapped: 'y' };
    await expect(parseRdf(JSON.stringify(doc), 'application/ld+json')).rejects.toMatchObject({
      code: 'BadRequest',
      message: expect.stringMatching(/^Invalid JSON-LD: the term "unmapped" is not mapped/),
    });
  });

  it('refuses an unmapped term when the ontology layer reads JSON-LD too (it used to drop it silently)', async () => {
    const doc = { '@context': { ex: 'http://e/' }, '@id': 'http://e/a', 'ex:kept': 'x', unmapped: 'y' };
    await expect(readTriples(JSON.stringify(doc), syntaxNamed('jsonld'), 'data.jsonld')).rejects.toThrow(
      /^data\.jsonld is not valid application\/ld\+json: /,
    );
  });

  it('never fetches a remote context', async () => {
    const fetchSpy = vi.spyOn(globalThis, 'fetch');
    const doc = { '@context': 'http://example.org/context.jsonld', '@id': 'http://e/a' };
    await expect(jsonLdToNQuads(JSON.stringify(doc), await loadJsonLdEnvironment())).rejects.toBeInstanceOf(
      RemoteContextError,
    );
    await expect(
      parseRdf(JSON.stringify({ '@context': ['https://schema.org/'] }), 'application/ld+json'),
    ).rejects.toBeInstanceOf(RemoteContextError);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('refuses text that is not JSON', async () => {
    await expect(parseRdf('{', 'application/ld+json')).rejects.toMatchObject({ code: 'BadRequest' });
  });
});
