import { describe, expect, it } from 'vitest';
import {
  isQuadMediaType,
  NATIVE_MEDIA_TYPES,
  RDF_MEDIA_TYPES,
  RDF_SYNTAXES,
  syntaxByMediaType,
  syntaxByName,
  syntaxOf,
  syntaxOfFile,
} from '../../src/rdf/index.ts';

describe('the RDF format registry', () => {
  it.each([
    ['turtle', 'turtle'],
    ['TTL', 'turtle'],
    ['nt', 'ntriples'],
    ['n-triples', 'ntriples'],
    ['nq', 'nquads'],
    ['n-quads', 'nquads'],
    ['trig', 'trig'],
    ['json-ld', 'jsonld'],
    ['jsonld', 'jsonld'],
    ['rdf/xml', 'rdfxml'],
    ['rdfxml', 'rdfxml'],
  ])('knows the short name %s', (name, expected) => {
    expect(syntaxByName(name)?.name).toBe(expected);
  });

  it.each([
    ['text/turtle; charset=utf-8', 'turtle'],
    ['Application/N-Quads', 'nquads'],
    ['application/json', 'jsonld'],
    ['application/ld+json', 'jsonld'],
    ['application/rdf+xml', 'rdfxml'],
  ])('knows the media type %s', (mediaType, expected) => {
    expect(syntaxByMediaType(mediaType)?.name).toBe(expected);
  });

  it.each([
    ['run.ttl', 'turtle'],
    ['DATA.NQ', 'nquads'],
    ['ontology.owl', 'rdfxml'],
    ['export.json', 'jsonld'],
    ['g.trig', 'trig'],
  ])('knows the extension of %s', (file, expected) => {
    expect(syntaxOfFile(file)?.name).toBe(expected);
  });

  it('answers undefined for what it does not know', () => {
    expect(syntaxByName('csv')).toBeUndefined();
    expect(syntaxByMediaType('text/html')).toBeUndefined();
    expect(syntaxOfFile('notes.txt')).toBeUndefined();
    expect(syntaxOf('text/plain')).toBeUndefined();
  });

  it('has one entry per name, media type and extension', () => {
    const all = (pick: (s: (typeof RDF_SYNTAXES)[number]) => readonly string[]) => RDF_SYNTAXES.flatMap(pick);
    for (const values of [
      all((s) => [s.name, ...s.aliases]),
      all((s) => [s.mediaType, ...s.alsoMediaTypes]),
      all((s) => s.extensions),
    ])
      expect(new Set(values).size).toBe(values.length);
  });

  it('says which formats carry graph names and which Oxigraph handles', () => {
    expect(RDF_SYNTAXES.filter((s) => s.quads).map((s) => s.name)).toEqual(['nquads', 'trig', 'jsonld']);
    expect(isQuadMediaType('application/trig')).toBe(true);
    expect(isQuadMediaType('text/turtle')).toBe(false);
    expect(NATIVE_MEDIA_TYPES).not.toContain('application/ld+json');
    expect(RDF_MEDIA_TYPES[0]).toBe('text/turtle');
  });
});
