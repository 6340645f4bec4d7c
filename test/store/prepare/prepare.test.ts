import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors.ts';
import {
  MAX_NESTING,
  MAX_OPERATION_DEPTH,
  nestingDepth,
  prepareQuery,
  prepareUpdate,
} from '../../../src/store/index.ts';
import { checkTreeDepth, MAX_TREE_DEPTH } from '../../../src/store/prepare/nesting.ts';

const deep = (open: string, close: string, n: number, inner = '') =>
  `${open.repeat(n)}${inner}${close.repeat(n)}`;
const times = (n: number, item: (i: number) => string, separator = ' ') =>
  Array.from({ length: n }, (_, i) => item(i)).join(separator);

describe('prepareQuery', () => {
  it.each([
    ['SELECT * WHERE { ?s ?p ?o }', 'select'],
    ['# SELECT\nASK { }', 'ask'],
    ['BASE <http://x/> PREFIX p: <a#> CONSTRUCT WHERE { ?s ?p ?o }', 'construct'],
    ['PREFIX select: <http://x/> DESCRIBE select:a', 'describe'],
  ])('%j is a %s', (text, form) => {
    expect(prepareQuery(text).form).toBe(form);
  });

  it.each([
    ['SELECT * { SERVICE<http://x/sparql> { ?s ?p ?o } }', ['http://x/sparql'], true],
    [
      'SELECT * { SERVICE SILENT <http://x/a> {} SERVICE <http://x/b> {} }',
      ['http://x/a', 'http://x/b'],
      true,
    ],
    ['SELECT * { ?s ?p ?o FILTER NOT EXISTS { SERVICE<http://x/a> { ?s ?p ?o } } }', ['http://x/a'], true],
    ['SELECT * { { SELECT ?s { SERVICE ?e { ?s ?p ?o } } } }', [], true],
    ['SELECT * { ?s <http://x/SERVICE> "SERVICE <http://x/a> {}" }', [], false],
  ])('%j uses SERVICE %j', (text, iris, uses) => {
    const prepared = prepareQuery(text);
    expect(prepared.serviceIris).toEqual(iris);
    expect(prepared.usesService).toBe(uses);
  });

  it.each([
    ['SELECT * { ?s ?p ?o }', undefined, undefined, false],
    [
      'SELECT * FROM <http://e/g> FROM NAMED <http://e/n> { ?s ?p ?o }',
      undefined,
      { defaultGraphs: ['http://e/g'], namedGraphs: ['http://e/n'] },
      true,
    ],
    [
      'SELECT * FROM <http://e/g> { ?s ?p ?o }',
      { defaultGraphs: ['http://e/x'], namedGraphs: [] },
      { defaultGraphs: ['http://e/x'], namedGraphs: [] },
      false,
    ],
  ])('%j with protocol dataset %j has dataset %j', (text, protocol, dataset, inText) => {
    const prepared = prepareQuery(text, protocol ? { dataset: protocol } : {});
    expect(prepared.dataset).toEqual(dataset);
    expect(prepared.datasetInText).toBe(inText);
  });

  it('knows whether a GRAPH pattern occurs', () => {
    expect(prepareQuery('SELECT * { ?s ?p ?o }').usesGraph).toBe(false);
    expect(prepareQuery('SELECT * { OPTIONAL { GRAPH ?g { ?s ?p ?o } } }').usesGraph).toBe(true);
  });

  it('resolves relative IRIs against the base', () => {
    const prepared = prepareQuery('CONSTRUCT { <s> <p> 1 } WHERE {}', { baseIri: 'http://h:1/sparql' });
    expect(JSON.stringify(prepared.parsed)).toContain('http://h:1/s');
  });

  it('refuses an update sent as a query, and a query over the size limit', () => {
    expect(() => prepareQuery('CLEAR ALL')).toThrow(/Expected a SPARQL query, got an update/);
    expect(() => prepareQuery('ASK {}', { maxQueryChars: 3 })).toThrow(/at most 3 are accepted/);
  });
});

describe('prepareUpdate', () => {
  it.each([
    ['INSERT DATA { <a:s> <a:p> 1 }', true, false],
    ['DELETE DATA { <a:s> <a:p> 1 }', false, false],
    ['DELETE WHERE { ?s ?p ?o }', false, true],
    ['DELETE { ?s ?p ?o } INSERT { ?s ?p 2 } WHERE { ?s ?p ?o }', true, true],
    ['WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }', false, false],
    ['DELETE { ?s ?p ?o } USING <a:g> WHERE { ?s ?p ?o }', false, false],
    ['LOAD <http://x/data.ttl>', true, false],
    ['COPY <a:g> TO <a:h>', true, false],
    ['CLEAR ALL ; DROP GRAPH <a:g>', false, false],
  ])('%j: may add %s, reads the default dataset %s', (text, mayAdd, readsDefault) => {
    const prepared = prepareUpdate(text);
    expect(prepared.mayAdd).toBe(mayAdd);
    expect(prepared.readsDefaultDataset).toBe(readsDefault);
    expect(prepared.text).toBe(text);
  });

  it('finds SERVICE in a WHERE', () => {
    const prepared = prepareUpdate('INSERT { ?s ?p ?o } WHERE { SERVICE<http://x/e> { ?s ?p ?o } }');
    expect(prepared.usesService).toBe(true);
    expect(prepared.serviceIris).toEqual(['http://x/e']);
  });

  it('writes the protocol’s using-graph-uri / using-named-graph-uri as USING clauses', () => {
    const using = { defaultGraphs: ['http://e/g'], namedGraphs: ['http://e/n'] };
    const flat = (text: string) => text.replace(/\s+/g, ' ');
    expect(flat(prepareUpdate('DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }', { using }).text)).toContain(
      'USING <http://e/g> USING NAMED <http://e/n> WHERE',
    );
    const deleteWhere = prepareUpdate('DELETE WHERE { ?s ?p ?o }', { using });
    expect(flat(deleteWhere.text)).toContain('DELETE { ?s ?p ?o. } USING <http://e/g>');
    expect(deleteWhere.readsDefaultDataset).toBe(false);
    expect(() =>
      prepareUpdate('DELETE { ?s ?p ?o } USING <http://e/x> WHERE { ?s ?p ?o }', { using }),
    ).toThrow(/cannot be combined with USING or WITH/);
  });

  it('refuses a query sent as an update', () => {
    expect(() => prepareUpdate('SELECT * {}')).toThrow(/Expected a SPARQL update, got a query/);
  });
});

describe('readable parse errors', () => {
  it.each([
    [
      'nonsense',
      'Malformed SPARQL query: line 1, column 1: unexpected "nonsense"; expected SELECT, CONSTRUCT, DESCRIBE, ASK or a prologue (BASE, PREFIX)',
    ],
    [
      'SELECT * WHERE { ?s ?p }',
      'Malformed SPARQL query: line 1, column 24: unexpected "}"; expected an IRI,',
    ],
    ['ASK {\n  ?s ?p ?o .\n  FILTER(?s = )\n}', 'Malformed SPARQL query: line 3, column 15: unexpected ")"'],
    ['SELECT * { ?s ?p "open }', 'Malformed SPARQL query: line 1, column 18: unexpected "\\""'],
  ])('%j → %s', (text, message) => {
    const error = (() => {
      try {
        prepareQuery(text);
      } catch (caught) {
        return caught as Error;
      }
    })();
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error?.message.startsWith(message)).toBe(true);
    expect(error?.message).not.toMatch(/FUNC_ARITY|STRING_LITERAL|\n/);
  });

  it('names the update forms for an update', () => {
    expect(() => prepareUpdate('nonsense')).toThrow(
      'Malformed SPARQL update: line 1, column 1: unexpected "nonsense"; expected INSERT, DELETE, LOAD',
    );
  });
});

describe('nesting limit', () => {
  it.each([
    ['groups', (n: number) => `SELECT * WHERE ${deep('{', '}', n)}`],
    ['OPTIONALs', (n: number) => `SELECT * WHERE { ${deep('OPTIONAL { ?s ?p ?o ', '}', n)} }`],
    ['sub-selects', (n: number) => `SELECT * WHERE { ${deep('{ SELECT * WHERE { ?s ?p ?o ', '} }', n)} }`],
    ['a path', (n: number) => `SELECT * WHERE { ?s ${deep('(', ')', n, '<a:p>')} ?o }`],
    ['a collection', (n: number) => `ASK { <a:s> <a:p> ${deep('(', ')', n)} }`],
  ])('refuses %s nested past the limit, before parsing', (_shape, make) => {
    expect(() => prepareQuery(make(MAX_NESTING / 2 - 1))).not.toThrow();
    expect(() => prepareQuery(make(10_000))).toThrow(/nests \d+ levels of brackets deep; at most 100/);
  });

  const chain = (op: string, n: number) => Array.from({ length: n }, (_, i) => `?o != ${i}`).join(` ${op} `);
  const sum = (n: number) => Array.from({ length: n }, (_, i) => i).join(' + ');
  it.each([
    ['a query, &&', (n: number) => prepareQuery(`SELECT * WHERE { ?s ?p ?o FILTER(${chain('&&', n)}) }`)],
    ['a query, ||', (n: number) => prepareQuery(`SELECT * WHERE { ?s ?p ?o FILTER(${chain('||', n)}) }`)],
    ['a query, +', (n: number) => prepareQuery(`SELECT * WHERE { ?s ?p ?o FILTER(${sum(n)} > 0) }`)],
    [
      'an update, &&',
      (n: number) => prepareUpdate(`DELETE { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(${chain('&&', n)}) }`),
    ],
  ])(
    'refuses an operator chain without brackets that nests past the parsed-depth limit: %s',
    (_case, prepare) => {
      // 2,100 terms froze Oxigraph's engine for its whole time limit; 5,000 overflowed provml's own tree walk (500).
      for (const n of [2_100, 5_000, 20_000])
        expect(() => prepare(n)).toThrow(/nests more than 1000 levels deep once parsed/);
    },
  );

  it('accepts a parse tree at the depth limit and refuses one level more, without recursing', () => {
    const nested = (levels: number): unknown => {
      let tree: unknown = { leaf: true };
      for (let i = 1; i < levels; i++) tree = { child: [tree] };
      return tree;
    };
    expect(() => checkTreeDepth(nested(MAX_TREE_DEPTH))).not.toThrow();
    expect(() => checkTreeDepth(nested(MAX_TREE_DEPTH + 1))).toThrow(BadRequestError);
    expect(() => checkTreeDepth(nested(200_000))).toThrow(/nests more than 1000 levels/);
  });

  it('refuses a deeply nested INSERT DATA', () => {
    expect(() => prepareUpdate(`INSERT DATA { <a:s> <a:p> ${deep('(', ')', 20_000)} }`)).toThrow(
      /nests 20001 levels/,
    );
  });

  it.each([
    ['brackets in strings', 'SELECT * { ?s ?p "(((((" }', 1],
    ['brackets in long strings', "SELECT * { ?s ?p '''{{\n{{''' }", 1],
    ['brackets in comments', 'SELECT * { # ((((\n ?s ?p ?o }', 1],
    ['a < that is less-than, not an IRI', 'SELECT * { FILTER(?a < (1)) }', 3],
    ['an IRI holding #', 'SELECT * { <http://x/#((> ?p ?o }', 1],
    ['escaped quotes', 'SELECT * { ?s ?p "a\\"((" }', 1],
  ])('counts only real brackets: %s', (_case, text, depth) => {
    expect(nestingDepth(text)).toBe(depth);
  });
});

describe('operation depth limit', () => {
  // Flat texts whose plan Oxigraph folds into a left-deep tree: each of these crashed its WebAssembly stack
  // near 900 elements (a GET answered 503 and the durable store restarted its worker).
  const chains: Array<[string, (n: number) => string]> = [
    ['UNION branches', (n) => `SELECT * { {?s <a:p> ?o} ${times(n, () => 'UNION {?s <a:q> ?o}')} }`],
    ['OPTIONALs in one group', (n) => `SELECT * { ?s ?p ?o ${times(n, () => 'OPTIONAL {?s <a:q> ?o}')} }`],
    ['MINUS clauses', (n) => `SELECT * { ?s ?p ?o ${times(n, (i) => `MINUS {?s <a:m${i}> ?o}`)} }`],
    ['BINDs', (n) => `SELECT * { ?s ?p ?o ${times(n, (i) => `BIND(1 AS ?v${i})`)} }`],
    ['projected expressions', (n) => `SELECT ${times(n, (i) => `(1 AS ?v${i})`)} { ?s ?p ?o }`],
    ['triple patterns of one block', (n) => `SELECT * { ${times(n, (i) => `?s <a:p> ?o${i} .`)} }`],
    ['path steps', (n) => `SELECT * { ?s ${times(n, () => '<a:p>', '/')} ?o }`],
    ['path alternatives', (n) => `SELECT * { ?s ${times(n, (i) => `<a:p${i}>`, '|')} ?o }`],
    ['|| operands', (n) => `SELECT * { ?s ?p ?o FILTER(${times(n, (i) => `?o = ${i}`, ' || ')}) }`],
    ['+ operands', (n) => `SELECT * { FILTER(${times(n, () => '1', ' + ')} > 0) }`],
    ['DELETE WHERE patterns', (n) => `DELETE WHERE { ${times(n, (i) => `<a:s> <a:p> ?o${i} .`)} }`],
    [
      'nested quoted triples',
      (n) => {
        let triple = '<a:s> <a:p> <a:o>';
        for (let i = 0; i < n; i++) triple = `<< ${triple} >> <a:p> <a:o>`;
        return `INSERT DATA { ${triple} }`;
      },
    ],
  ];
  const prepare = (text: string) => (text.startsWith('SELECT') ? prepareQuery(text) : prepareUpdate(text));

  it.each(chains)(
    'refuses %s past the limit with a 400 naming it, and accepts them below',
    (_shape, make) => {
      expect(() => prepare(make(MAX_OPERATION_DEPTH - 20))).not.toThrow();
      let refusal: unknown;
      try {
        prepare(make(MAX_OPERATION_DEPTH + 20));
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(BadRequestError);
      expect((refusal as Error).message).toMatch(/chains \d+ operations along one path.*at most 500/);
    },
  );

  it('refuses a 30,000-operand chain (deeper than the call stack) as a 400, not a crash', () => {
    expect(() => prepareQuery(`SELECT * { FILTER(${times(30_000, () => '1', '+')} > 0) }`)).toThrow(
      BadRequestError,
    );
  });

  it.each([
    ['an IN list', `SELECT * { ?s ?p ?o FILTER(?o IN (${times(10_000, (i) => `${i}`, ', ')})) }`],
    ['VALUES rows', `SELECT * { ?s ?p ?o VALUES ?o { ${times(10_000, (i) => `${i}`)} } }`],
    ['projected variables', `SELECT ${times(2_000, (i) => `?v${i}`)} { ?s ?p ?o }`],
    ['FROM clauses', `SELECT * ${times(2_000, (i) => `FROM <a:g${i}>`)} { ?s ?p ?o }`],
    ['function arguments', `SELECT (CONCAT(${times(5_000, () => '"a"', ', ')}) AS ?c) {}`],
    ['INSERT DATA quads', `INSERT DATA { ${times(10_000, (i) => `<a:s> <a:p> ${i} .`)} }`],
    ['an INSERT template', `INSERT { ${times(5_000, (i) => `<a:s> <a:p> ${i} .`)} } WHERE { ?s ?p ?o }`],
  ])('accepts long flat lists the engine does not nest: %s', (_shape, text) => {
    expect(() => prepare(text)).not.toThrow();
  });
});

describe('graphs an update writes', () => {
  it.each([
    [
      'INSERT DATA into named graphs',
      'INSERT DATA { GRAPH <a:g1> { <a:s> <a:p> 1 } GRAPH <a:g2> { <a:s> <a:p> 2 } }',
      ['a:g1', 'a:g2'],
    ],
    [
      'DELETE/INSERT in GRAPH',
      'DELETE { GRAPH <a:g1> { ?s ?p ?o } } INSERT { GRAPH <a:g2> { ?s ?p 1 } } WHERE { GRAPH <a:g1> { ?s ?p ?o } }',
      ['a:g1', 'a:g2'],
    ],
    ['WITH', 'WITH <a:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }', ['a:g']],
    ['the default graph', 'INSERT DATA { <a:s> <a:p> 1 }', undefined],
    [
      'a DELETE WHERE over the default graph (union mode reaches every graph)',
      'DELETE WHERE { ?s ?p ?o }',
      undefined,
    ],
    ['a graph variable', 'DELETE { GRAPH ?g { ?s ?p ?o } } WHERE { GRAPH ?g { ?s ?p ?o } }', undefined],
    ['DROP', 'DROP GRAPH <a:g>', undefined],
    [
      'one named operation then CLEAR',
      'INSERT DATA { GRAPH <a:g> { <a:s> <a:p> 1 } } ; CLEAR ALL',
      undefined,
    ],
  ])('%s', (_case, text, graphs) => {
    expect(prepareUpdate(text).graphsWritten?.slice().sort()).toEqual(graphs);
  });
});
