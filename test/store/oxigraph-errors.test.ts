import * as ox from 'oxigraph';
import { describe, expect, it } from 'vitest';
import { ProvmlError, QueryTimeoutError } from '../../src/errors.ts';
import { fromOxigraphError, isOxigraphSyntaxError } from '../../src/store/oxigraph-errors.ts';

// The messages are Oxigraph's own, caught from the installed version: a rewording fails here first.
function thrown(work: () => unknown): unknown {
  try {
    work();
  } catch (error) {
    return error;
  }
  throw new Error('expected Oxigraph to throw');
}
const store = () => new ox.Store();

describe('fromOxigraphError', () => {
  it.each([
    [
      'a query syntax error names what was invalid, with its position',
      () => store().query('SELEC'),
      'query',
      /^Invalid query: error at 1:/,
    ],
    [
      'data that does not parse',
      () => store().load('<a> <b> .', { format: 'text/turtle' }),
      'data',
      /^Invalid data: Parser error/,
    ],
    [
      'LOAD of a remote URL is explained: the embedded store never fetches',
      () => store().update('LOAD <http://example.org/x>'),
      'write',
      /never fetches remote data/,
    ],
  ] as const)('%s: BadRequest', (_case, work, what, said) => {
    expect(fromOxigraphError(thrown(work), what)).toMatchObject({
      code: 'BadRequest',
      message: expect.stringMatching(said),
    });
  });

  it('a WebAssembly fault is returned as it is, for the caller to discard the instance', () => {
    const fault = new WebAssembly.RuntimeError('unreachable');
    expect(fromOxigraphError(fault, 'query')).toBe(fault);
    const other = new WebAssembly.RuntimeError('table index is out of bounds');
    expect(fromOxigraphError(other, 'query')).toBe(other);
  });

  it('a ProvmlError passes through unchanged', () => {
    const timeout = new QueryTimeoutError(5);
    expect(fromOxigraphError(timeout, 'query')).toBe(timeout);
  });

  it('a thrown non-Error is BadRequest with its text', () => {
    expect(fromOxigraphError('odd', 'query')).toMatchObject({
      code: 'BadRequest',
      message: 'Invalid query: odd',
    });
    expect(fromOxigraphError('odd', 'query')).toBeInstanceOf(ProvmlError);
  });
});

describe('isOxigraphSyntaxError', () => {
  it('is true for a SPARQL syntax error, false for evaluation, data and machine errors', () => {
    expect(isOxigraphSyntaxError(thrown(() => store().update('INSERT DATA { <a:b> ')))).toBe(true);
    expect(
      isOxigraphSyntaxError(
        thrown(() => store().query('SELECT * { SERVICE <http://example.org/> { ?s ?p ?o } }')),
      ),
    ).toBe(false);
    expect(isOxigraphSyntaxError(thrown(() => store().load('<a> <b> .', { format: 'text/turtle' })))).toBe(
      false,
    );
    expect(isOxigraphSyntaxError(new WebAssembly.RuntimeError('error at 1:1'))).toBe(false);
  });
});
