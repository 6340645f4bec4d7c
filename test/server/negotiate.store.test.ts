import { describe, expect, it } from 'vitest';
import { mediaTypeOf, negotiate, parseAccept } from '../../src/server/negotiate.ts';

const OFFERS = [
  'application/sparql-results+json',
  'application/sparql-results+xml',
  'text/csv',
  'text/tab-separated-values',
];

describe('negotiate', () => {
  it.each([
    [undefined, 'application/sparql-results+json'],
    ['', 'application/sparql-results+json'],
    ['garbage', 'application/sparql-results+json'],
    ['*/*', 'application/sparql-results+json'],
    ['text/csv', 'text/csv'],
    ['TEXT/CSV', 'text/csv'],
    ['text/*', 'text/csv'],
    ['text/*;q=0.5, text/tab-separated-values', 'text/tab-separated-values'],
    ['text/tab-separated-values;q=0.4, text/csv;q=0.5', 'text/csv'],
    ['text/*, text/csv;q=0', 'text/tab-separated-values'],
    ['*/*;q=0.9, application/sparql-results+xml', 'application/sparql-results+xml'],
    ['*/*, application/sparql-results+json;q=0', 'application/sparql-results+xml'],
    ['text/html', undefined],
    ['text/csv;q=0', undefined],
    ['*/*;q=0', undefined],
    ['application/sparql-results+xml;charset=utf-8;q=0.8, text/csv;q=0.7', 'application/sparql-results+xml'],
  ])('Accept %j → %s', (accept, expected) => {
    expect(negotiate(accept, OFFERS)).toBe(expected);
  });

  it('ignores a malformed q and keeps the client order between equals', () => {
    expect(parseAccept('text/csv;q=abc, text/plain').map((r) => [r.subtype, r.q, r.index])).toEqual([
      ['csv', 1, 0],
      ['plain', 1, 1],
    ]);
  });

  it('reads the bare media type of a Content-Type', () => {
    expect(mediaTypeOf('Application/SPARQL-Query; charset=UTF-8')).toBe('application/sparql-query');
    expect(mediaTypeOf(undefined)).toBeUndefined();
  });
});
