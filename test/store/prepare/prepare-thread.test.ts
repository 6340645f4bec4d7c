import type { Worker } from 'node:worker_threads';
import sparqljs from 'sparqljs';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { BadRequestError } from '../../../src/errors.ts';
import { rdfjsFactory } from '../../../src/rdf/index.ts';
import {
  INLINE_PREPARE_MAX_CHARS,
  PrepareThread,
  prepareQuery,
  prepareQueryAtEdge,
  prepareUpdate,
  prepareUpdateAtEdge,
} from '../../../src/store/index.ts';
import { sparqlParser } from '../../../src/store/prepare/prepare.ts';

// sparqljs costs seconds of CPU per MiB: a large text is prepared in a thread of its own, and the main
// thread gets back the prepared operation it would have built itself, terms with `equals` and all.

const EX = 'http://example.org/';
/** A comment long enough that the text after it is prepared in the parse thread. */
const padding = `# ${'x'.repeat(INLINE_PREPARE_MAX_CHARS)}\n`;
const large = (text: string): string => padding + text;
/** Many triple patterns: seconds of parsing, and a large tree to send back. */
const manyPatterns = (n: number, tail = ''): string =>
  `SELECT * WHERE { ${Array.from({ length: n }, (_, i) => `?s <${EX}p${i}> "v${i}" .`).join(' ')} ${tail}}`;

const QUERIES = [
  `PREFIX ex: <${EX}> SELECT * FROM <${EX}g> FROM NAMED <${EX}n> WHERE { ?s ex:p "a"@EN, "b"^^ex:t, 1, 2.5, true ; ex:q/ex:r* [ ex:z _:b ] FILTER(?o > 2 && LANG(?o) = "en") }`,
  'SELECT (COUNT(*) AS ?n) (SAMPLE(?o) AS ?x) WHERE { ?s ?p ?o } GROUP BY ?s HAVING (COUNT(*) > 1) ORDER BY DESC(?n) LIMIT 5',
  `SELECT * WHERE { << ?s <${EX}p> ?o >> <${EX}said> ?who . VALUES (?s ?o) { (<${EX}a> "x") (UNDEF 3) } }`,
  `CONSTRUCT { ?s <${EX}q> ?o } WHERE { GRAPH ?g { ?s <${EX}p> ?o } OPTIONAL { ?s !(<${EX}x>|^<${EX}y>) ?z } MINUS { ?s a <${EX}C> } }`,
  `DESCRIBE * WHERE { SERVICE <${EX}sparql> { ?s ?p ?o } }`,
  'BASE <http://example.org/base/> ASK { <rel> ?p ?o FILTER NOT EXISTS { SELECT ?p { ?p ?q ?r } } }',
];
const UPDATES = [
  `INSERT DATA { GRAPH <${EX}g> { <${EX}a> <${EX}b> "x"@de, 7, <<<${EX}a> <${EX}b> <${EX}c>>> } }`,
  `DELETE WHERE { ?s <${EX}p> ?o }; WITH <${EX}g> DELETE { ?s ?p ?o } INSERT { ?s ?p "new" } WHERE { ?s ?p ?o }`,
  `LOAD SILENT <${EX}data> INTO GRAPH <${EX}g>; CLEAR DEFAULT; COPY <${EX}a> TO <${EX}b>`,
];

afterEach(() => {
  vi.restoreAllMocks();
});

function messageOf(prepare: () => unknown): string {
  try {
    prepare();
  } catch (error) {
    expect(error).toBeInstanceOf(BadRequestError);
    return (error as Error).message;
  }
  throw new Error('expected a 400');
}

/** Every RDF/JS term of a tree, by a walk without recursion. */
function termsOf(tree: unknown): Array<{ termType: string; equals?: unknown }> {
  const terms: Array<{ termType: string }> = [];
  const pending = [tree];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    if ('termType' in value) terms.push(value as { termType: string });
    pending.push(...Object.values(value));
  }
  return terms;
}

describe('preparing a large text in the parse thread', () => {
  const thread = new PrepareThread();
  afterAll(() => thread.close());

  it('does not parse a large text on the main thread (a small one it does)', async () => {
    const onMain = vi.spyOn(sparqlParser, 'parse');
    const big = large(QUERIES[0] as string);
    expect((await prepareQueryAtEdge(big)).form).toBe('select');
    expect((await prepareUpdateAtEdge(large(UPDATES[0] as string))).mayAdd).toBe(true);
    expect(onMain).not.toHaveBeenCalled();
    await prepareQueryAtEdge(QUERIES[0] as string);
    expect(onMain).toHaveBeenCalledTimes(1);
  });

  it.each(QUERIES)('prepares %j as the main thread does, terms with equals', async (query) => {
    const text = large(query);
    const baseIri = `${EX}sparql`;
    const options = {
      baseIri,
      ...(query.startsWith('SELECT (') ? { dataset: { defaultGraphs: [`${EX}d`] } } : {}),
    };
    const there = await thread.prepareQuery(text, options);
    const here = prepareQuery(text, options);
    expect(there).toStrictEqual(here);
    const terms = termsOf(there.parsed);
    expect(terms.length).toBeGreaterThan(0);
    for (const term of terms) {
      if (term.termType === 'Wildcard') expect(term).toBeInstanceOf(sparqljs.Wildcard);
      else expect(typeof term.equals).toBe('function');
    }
    const anIri = terms.find((term) => term.termType === 'NamedNode') as unknown as {
      value: string;
      equals: (o: unknown) => boolean;
    };
    expect(anIri.equals(rdfjsFactory().namedNode(anIri.value))).toBe(true);
  });

  it.each(UPDATES)('prepares the update %j as the main thread does', async (update) => {
    const text = large(update);
    const using = update.startsWith('DELETE WHERE') ? {} : { using: { defaultGraphs: [`${EX}u`] } };
    if (update.includes('WITH')) {
      // The protocol's using-graph-uri with WITH in the text: refused alike.
      const given = { using: { defaultGraphs: [`${EX}u`] } };
      const expected = messageOf(() => prepareUpdate(text, given));
      await expect(thread.prepareUpdate(text, given)).rejects.toThrow(expected);
      return;
    }
    const there = await thread.prepareUpdate(text, using);
    expect(there).toStrictEqual(prepareUpdate(text, using));
    for (const term of termsOf(there.parsed)) expect(typeof term.equals).toBe('function');
  });

  it.each([
    ['a syntax error', () => large(manyPatterns(50, '?s ?p ')), 'query'],
    ['an update sent as a query', () => large(UPDATES[0] as string), 'query'],
    ['a query sent as an update', () => large(QUERIES[1] as string), 'update'],
    ['a text nested too deep', () => large(`SELECT * WHERE ${'{'.repeat(500)}${'}'.repeat(500)}`), 'query'],
    ['a query over the length limit', () => large(manyPatterns(40_000)), 'query'],
  ] as const)('refuses %s with the same 400 as the main thread', async (_what, make, kind) => {
    const text = make();
    const sync = kind === 'query' ? () => prepareQuery(text) : () => prepareUpdate(text);
    let expected: unknown;
    try {
      sync();
    } catch (error) {
      expected = error;
    }
    expect(expected).toBeInstanceOf(BadRequestError);
    const atEdge = kind === 'query' ? prepareQueryAtEdge(text) : prepareUpdateAtEdge(text);
    const refused = await atEdge.catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect((refused as BadRequestError).code).toBe('BadRequest');
    expect((refused as Error).message).toBe((expected as Error).message);
  });

  it('names the line and column of a syntax error found in the parse thread', async () => {
    const text = large(`SELECT * WHERE {\n  ?s ?p ?o .\n  ?s ?p\n}`);
    await expect(thread.prepareQuery(text)).rejects.toThrow(/line 5/);
  });
});

describe('the parse thread failing', () => {
  it('a thread stopped mid-job refuses that job only: the one queued behind it and the next are prepared', async () => {
    const started: Worker[] = [];
    const thread = new PrepareThread({ onThreadStart: (worker) => started.push(worker) });
    try {
      const warm = large(QUERIES[1] as string);
      await thread.prepareQuery(warm);
      const first = thread.prepareQuery(warm);
      const killed = thread.prepareQuery(large(manyPatterns(10_000)));
      const queued = thread.prepareQuery(warm);
      // When the first answer arrives the big job has just been sent to the (warm) thread: it is stopped
      // while parsing.
      await first;
      await started[0]?.terminate();
      const refused = await killed.catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(BadRequestError);
      expect((refused as Error).message).toMatch(/parse thread exited.*refused and nothing ran/);
      expect((await queued).form).toBe('select');
      expect((await thread.prepareQuery(warm)).form).toBe('select');
      expect(started).toHaveLength(2);
    } finally {
      await thread.close();
    }
  });

  it('a job over its time limit is a 400 "too costly to parse"; the thread is replaced and the next job works', async () => {
    const started: Worker[] = [];
    const thread = new PrepareThread({ onThreadStart: (worker) => started.push(worker) });
    try {
      const refused = await thread
        .prepareQuery(large(manyPatterns(10_000)), {}, { timeLimitMs: 1 })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(BadRequestError);
      expect((refused as Error).message).toMatch(/too costly to parse: it took more than 1 ms/);
      expect((await thread.prepareQuery(large(QUERIES[1] as string))).form).toBe('select');
      expect(started).toHaveLength(2);
    } finally {
      await thread.close();
    }
  });
});
