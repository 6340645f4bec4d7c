import { describe, expect, it } from 'vitest';
import {
  bindQuery,
  type CatalogParam,
  type ParamType,
  type ParamValues,
  packageCatalog,
} from '../../src/query/index.ts';
import { bindPrepared } from '../../src/query/prepared-bind.ts';
import { type PreparedQuery, prepareQuery } from '../../src/store/index.ts';

const SAMPLE: Record<ParamType, string[]> = {
  iri: ['https://w3id.org/provml/id/data/model-p0-r0', 'https://ex.org/a"b'.replace('"', '%22')],
  string: ['loss', 'a"b\\c\n'],
  integer: ['3', '-12'],
  double: ['0.5', '1e-3'],
  boolean: ['true', 'false'],
  dateTime: ['2024-01-01T00:00:00Z', '2025-06-30T12:30:00.5+02:00'],
};

/** What a parse of the text gives, without the RDF/JS terms' methods, to compare trees. */
const tree = (prepared: PreparedQuery): unknown => JSON.parse(JSON.stringify(prepared.parsed));

function expectSameAsParsingTheText(
  entry: { query: string; params: CatalogParam[] },
  values: ParamValues,
): void {
  const prepared = bindPrepared(entry, values);
  const parsed = prepareQuery(bindQuery(entry.query, entry.params, values));
  expect(tree(prepared)).toEqual(tree(parsed));
  expect(prepared.form).toBe(parsed.form);
  expect(prepared.dataset).toEqual(parsed.dataset);
  expect(prepared.usesService).toBe(parsed.usesService);
  // The text the engine runs is the parsed text's, but for the indentation before each VALUES block.
  expect(prepared.text.replace(/\s+/g, ' ')).toBe(parsed.text.replace(/\s+/g, ' '));
}

describe('bindPrepared', () => {
  it('gives every catalog query, with and without its parameters, the parse of its bound text', async () => {
    const catalog = await packageCatalog();
    let checked = 0;
    for (const entry of catalog.list()) {
      const required = entry.params.filter((param) => param.required);
      const minimal = Object.fromEntries(required.map((p) => [p.name, SAMPLE[p.type][0]]));
      expectSameAsParsingTheText(entry, minimal);
      const full: ParamValues = Object.fromEntries(
        entry.params.map((p) => [p.name, p.multiple ? SAMPLE[p.type] : SAMPLE[p.type][1]]),
      );
      expectSameAsParsingTheText(entry, full);
      // Again with the first set: each set of given names has its own template.
      expectSameAsParsingTheText(entry, minimal);
      checked += entry.params.length > 0 ? 1 : 0;
    }
    expect(checked).toBeGreaterThan(5);
  });

  it('binds every marker of a query with several, and refuses what bindQuery refuses', () => {
    const params: CatalogParam[] = [
      { name: 'model', type: 'iri', required: true, multiple: false, description: '' },
      { name: 'measure', type: 'string', required: false, multiple: true, description: '' },
    ];
    const query = [
      'SELECT * WHERE {',
      '  {',
      '    # @bind',
      '    ?model ?p ?measure .',
      '  } UNION {',
      '    # @bind',
      '    ?measure ?q ?model .',
      '  }',
      '}',
    ].join('\n');
    const entry = { query, params };
    expectSameAsParsingTheText(entry, { model: 'http://ex.org/m', measure: ['x', 'y'] });
    expect(bindPrepared(entry, { model: 'http://ex.org/m' }).text).toContain(
      'VALUES (?model) { (<http://ex.org/m>) }',
    );
    expect(() => bindPrepared(entry, {})).toThrow(/model/);
    expect(() => bindPrepared(entry, { model: 'http://ex.org/m', other: 'x' })).toThrow(/unknown/);
    expect(() =>
      bindPrepared({ query: 'SELECT * WHERE { ?s ?p ?o }', params }, { model: 'http://ex.org/m' }),
    ).toThrow(/@bind/);
  });
});
