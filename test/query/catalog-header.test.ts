import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.ts';
import { parseHeader } from '../../src/query/catalog-header.ts';

const QUERIES = join(import.meta.dirname, '../../queries');
const minimal = ['# @name runs', '# @purpose Lists the runs.', '# @phase learning', '# @mode offline'];
const header = (...extra: string[]) => [...minimal, ...extra, 'SELECT * {}'].join('\n');

describe('catalog query header', () => {
  it('reads name, purpose, phase and mode, with no parameters or columns by default', () => {
    expect(parseHeader(header(), 'runs.rq')).toEqual({
      name: 'runs',
      description: 'Lists the runs.',
      phase: 'learning',
      online: false,
      federated: false,
      params: [],
      columns: [],
    });
  });

  it('joins continued @purpose lines into one description', () => {
    const parsed = parseHeader(header('# @purpose It also says when.'), 'runs.rq');
    expect(parsed.description).toBe('Lists the runs. It also says when.');
  });

  it('reads each parameter suffix as required / several times', () => {
    const parsed = parseHeader(
      header(
        '# @param run iri — the workflow execution',
        '# @param metric string? — metric name; every metric when left out',
        '# @param epoch integer* - epochs, each a VALUES row',
        '# @param model iri+ – at least one model',
        '# @param since dateTime',
      ),
      'runs.rq',
    );
    expect(parsed.params).toEqual([
      { name: 'run', type: 'iri', required: true, multiple: false, description: 'the workflow execution' },
      {
        name: 'metric',
        type: 'string',
        required: false,
        multiple: false,
        description: 'metric name; every metric when left out',
      },
      {
        name: 'epoch',
        type: 'integer',
        required: false,
        multiple: true,
        description: 'epochs, each a VALUES row',
      },
      { name: 'model', type: 'iri', required: true, multiple: true, description: 'at least one model' },
      { name: 'since', type: 'dateTime', required: true, multiple: false, description: '' },
    ]);
  });

  it('reads columns, @federated, online mode, and skips @bind and plain comments', () => {
    const parsed = parseHeader(
      [
        '# @name live',
        '#   a plain comment line',
        '# @purpose Latest values.',
        '# @phase any',
        '# @mode online',
        '# @federated',
        '# @bind ?x from somewhere',
        '# @column run — the run',
        '# @column value',
        'SELECT * {}',
      ].join('\n'),
      'live.rq',
    );
    expect(parsed).toMatchObject({ online: true, federated: true, phase: 'any' });
    expect(parsed.columns).toEqual([
      { name: 'run', description: 'the run' },
      { name: 'value', description: '' },
    ]);
  });

  it('stops at the first line that is not a comment', () => {
    const parsed = parseHeader(`${header()}\n# @column late — after the query text`, 'runs.rq');
    expect(parsed.columns).toEqual([]);
    expect(() => parseHeader(['# @name x', '', ...minimal.slice(1)].join('\n'), 'x.rq')).toThrow(
      'x.rq:1: missing @purpose',
    );
  });

  it.each([
    ['# @name', 5, '@name expects one lower-case name (letters, digits, hyphens)'],
    ['# @name two words', 5, '@name expects one lower-case name (letters, digits, hyphens)'],
    ['# @phase nowhere', 5, '@phase must be one of data-curation, learning-data-preparation, learning, any'],
    ['# @mode sometimes', 5, '@mode must be online or offline'],
    ['# @param 1run iri', 5, '@param expects: NAME TYPE[?*+] — description'],
    ['# @param run uri', 5, '@param type must be one of iri, string, integer, double, boolean, dateTime'],
    ['# @column — nameless', 5, '@column expects: NAME — description'],
    ['# @author someone', 5, 'unknown header key @author'],
  ])('refuses %j, naming the file and line', (line, lineNo, message) => {
    const attempt = () => parseHeader(header(line), 'bad.rq');
    expect(attempt).toThrow(BadRequestError);
    expect(attempt).toThrow(`bad.rq:${lineNo}: ${message}`);
  });

  it.each([
    ['name', '@name'],
    ['purpose', '@purpose'],
    ['phase', '@phase'],
    ['mode', '@mode'],
  ])('refuses a header without @%s', (key, missing) => {
    const lines = minimal.filter((line) => !line.startsWith(`# @${key}`));
    expect(() => parseHeader([...lines, 'SELECT * {}'].join('\n'), 'x.rq')).toThrow(
      `x.rq:1: missing ${missing}`,
    );
  });

  it('reads the header of every query in the catalog, each named after its file', () => {
    const files = readdirSync(QUERIES).filter((name) => name.endsWith('.rq'));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const parsed = parseHeader(readFileSync(join(QUERIES, file), 'utf8'), file);
      expect(parsed.name).toBe(file.replace(/\.rq$/, ''));
      expect(parsed.description.length).toBeGreaterThan(0);
    }
  });
});
