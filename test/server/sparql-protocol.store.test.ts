import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { QueryTimeoutError } from '../../src/errors.ts';
import { askBoolean, MemoryStore, type QueryResults } from '../../src/store/index.ts';
import { appOver, EX, G1, G2, seededApp, type TestApp, testConfig, text } from './fixture.ts';

const SELECT = 'SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o';
const CONSTRUCT = 'CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }';
const FORM = 'application/x-www-form-urlencoded';
const JSON_RESULTS = 'application/sparql-results+json';

const values = (body: { results: { bindings: Array<{ o: { value: string } }> } }): string[] =>
  body.results.bindings.map((row) => row.o.value);

describe('SPARQL 1.1 Protocol: queries', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp();
  });

  it.each([
    ['GET ?query=', () => request(t.app).get('/sparql').query({ query: SELECT })],
    [
      'POST form query=',
      () =>
        request(t.app)
          .post('/sparql')
          .type(FORM)
          .send(`query=${encodeURIComponent(SELECT)}`),
    ],
    [
      'POST application/sparql-query',
      () => request(t.app).post('/sparql').type('application/sparql-query').send(SELECT),
    ],
  ])('answers a SELECT sent by %s in SPARQL JSON over the union of all graphs', async (_how, send) => {
    const res = await send().parse(text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/sparql-results\+json/);
    expect(res.headers.vary).toMatch(/Accept/);
    expect(values(JSON.parse(res.body))).toEqual(['in default', 'in g1', 'in g2']);
  });

  it.each([
    [undefined, 'application/sparql-results+json'],
    ['application/sparql-results+xml', 'application/sparql-results+xml'],
    ['text/csv', 'text/csv'],
    ['text/tab-separated-values', 'text/tab-separated-values'],
    ['application/json', 'application/json'],
    ['text/csv;q=0.5, application/sparql-results+xml;q=0.9', 'application/sparql-results+xml'],
    ['text/*', 'text/csv'],
    ['*/*;q=0.1, text/tab-separated-values', 'text/tab-separated-values'],
    ['application/sparql-results+json;q=0, */*', 'application/sparql-results+xml'],
    ['text/csv, application/sparql-results+xml', 'text/csv'],
    ['text/html, */*;q=0.8', 'application/sparql-results+json'],
    ['application/sparql-results+json; charset=utf-8', 'application/sparql-results+json'],
  ])('negotiates SELECT results for Accept %s → %s', async (accept, expected) => {
    const req = request(t.app).get('/sparql').query({ query: SELECT });
    if (accept) req.set('Accept', accept);
    const res = await req.parse(text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']?.split(';')[0]).toBe(expected);
    expect(res.body).toContain('in g1');
  });

  it.each([
    ['application/sparql-results+json', '"boolean":true'],
    ['application/sparql-results+xml', '<boolean>true</boolean>'],
    ['text/csv', 'true'],
    ['text/tab-separated-values', 'true'],
  ])('serializes ASK as %s', async (accept, expected) => {
    const res = await request(t.app)
      .get('/sparql')
      .query({ query: `ASK { ?s ?p "in g2" }` })
      .set('Accept', accept)
      .parse(text);
    expect(res.status).toBe(200);
    expect(res.body).toContain(expected);
  });

  it.each([
    [undefined, 'text/turtle', `<${EX}a> <${EX}p> "in g1"`],
    ['application/n-triples', 'application/n-triples', `<${EX}a> <${EX}p> "in g1" .`],
    ['application/n-quads', 'application/n-quads', `<${EX}a> <${EX}p> "in g1" .`],
    ['application/trig', 'application/trig', `<${EX}a> <${EX}p> "in g1"`],
    ['application/ld+json', 'application/ld+json', '"@value":"in g1"'],
    ['application/rdf+xml', 'application/rdf+xml', 'in g1'],
    ['text/*;q=0.2, application/n-triples;q=0.1', 'text/turtle', '"in g1"'],
    ['application/sparql-results+json, */*;q=0.1', 'text/turtle', '"in g1"'],
  ])('negotiates CONSTRUCT results for Accept %s → %s', async (accept, expected, fragment) => {
    const req = request(t.app).post('/sparql').type('application/sparql-query').send(CONSTRUCT);
    if (accept) req.set('Accept', accept);
    const res = await req.parse(text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']?.split(';')[0]).toBe(expected);
    expect(res.body).toContain(fragment);
  });

  it('answers DESCRIBE as an RDF graph', async () => {
    const res = await request(t.app)
      .get('/sparql')
      .query({ query: `DESCRIBE <${EX}a>` })
      .parse(text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/turtle/);
    expect(res.body).toContain('in g1');
  });

  it.each([
    ['SELECT asked for Turtle', SELECT, 'text/turtle'],
    ['CONSTRUCT asked for SPARQL JSON', CONSTRUCT, JSON_RESULTS],
    ['SELECT with every type refused', SELECT, '*/*;q=0'],
  ])('answers 406 for %s, listing what is available', async (_case, query, accept) => {
    const res = await request(t.app).get('/sparql').query({ query }).set('Accept', accept);
    expect(res.status).toBe(406);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(/accept one of: /);
  });

  it('answers HEAD with the headers of GET and no body', async () => {
    const res = await request(t.app).head('/sparql').query({ query: SELECT }).set('Accept', 'text/csv');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.text ?? '').toBe('');
  });

  it.each([
    ['one default-graph-uri', { 'default-graph-uri': [G1] }, SELECT, ['in g1']],
    ['two default-graph-uri', { 'default-graph-uri': [G1, G2] }, SELECT, ['in g1', 'in g2']],
    ['named-graph-uri', { 'named-graph-uri': [G2] }, 'SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }', ['in g2']],
  ])('restricts the dataset with %s', async (_case, params, query, expected) => {
    const res = await request(t.app)
      .get('/sparql')
      .query(
        new URLSearchParams([
          ['query', query],
          ...Object.entries(params).flatMap(([k, vs]) => vs.map((v) => [k, v])),
        ]).toString(),
      )
      .parse(text);
    expect(res.status).toBe(200);
    expect(values(JSON.parse(res.body))).toEqual(expected);
  });

  it('takes dataset parameters from the URL of a POST application/sparql-query', async () => {
    const res = await request(t.app)
      .post(`/sparql?default-graph-uri=${encodeURIComponent(G2)}`)
      .type('application/sparql-query')
      .send(SELECT)
      .parse(text);
    expect(values(JSON.parse(res.body))).toEqual(['in g2']);
  });

  it('takes dataset parameters from a form body', async () => {
    const form = new URLSearchParams({ query: SELECT, 'default-graph-uri': G1 }).toString();
    const res = await request(t.app).post('/sparql').type(FORM).send(form).parse(text);
    expect(values(JSON.parse(res.body))).toEqual(['in g1']);
  });

  it('sees only the stored default graph when the union default graph is turned off', async () => {
    const app = appOver(t.store, testConfig({ unionDefaultGraph: false }));
    const res = await request(app).get('/sparql').query({ query: SELECT }).parse(text);
    expect(values(JSON.parse(res.body))).toEqual(['in default']);
  });
});

describe('SPARQL 1.1 Protocol: updates', () => {
  it('applies an update sent as application/sparql-update and answers 204', async () => {
    const { app, store } = await seededApp();
    const res = await request(app)
      .post('/sparql')
      .type('application/sparql-update')
      .send(`INSERT DATA { <${EX}x> <${EX}p> "new" }`);
    expect(res.status).toBe(204);
    expect(await askBoolean(store, `ASK { <${EX}x> <${EX}p> "new" }`)).toBe(true);
  });

  it('applies an update sent as the form field update=', async () => {
    const { app, store } = await seededApp();
    const form = new URLSearchParams({ update: `DELETE WHERE { GRAPH <${G1}> { ?s ?p ?o } }` }).toString();
    const res = await request(app).post('/sparql').type(FORM).send(form);
    expect(res.status).toBe(204);
    expect(await store.hasGraph({ termType: 'NamedNode', value: G1 })).toBe(false);
  });

  it('answers 400 for a malformed update and leaves the store unchanged', async () => {
    const { app, store } = await seededApp();
    const res = await request(app)
      .post('/sparql')
      .type('application/sparql-update')
      .send('INSERT DATA { <a:b> ');
    expect(res.status).toBe(400);
    expect((await store.stats()).quads).toBe(3);
  });
});

describe('SPARQL 1.1 Protocol: request errors', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await seededApp({ maxBodyBytes: 200 });
  });
  const q = encodeURIComponent('ASK {}');

  it.each([
    ['query twice in the URL', () => request(t.app).get(`/sparql?query=${q}&query=${q}`), /given 2 times/],
    [
      'query in the URL and a form body',
      () => request(t.app).post(`/sparql?query=${q}`).type(FORM).send(`query=${q}`),
      /URL and the form body/,
    ],
    [
      'query in the URL and a query body',
      () => request(t.app).post(`/sparql?query=${q}`).type('application/sparql-query').send('ASK {}'),
      /URL and the body/,
    ],
    [
      'query and update in one form',
      () => request(t.app).post('/sparql').type(FORM).send(`query=${q}&update=${q}`),
      /not both/,
    ],
    [
      'a form with neither query nor update',
      () => request(t.app).post('/sparql').type(FORM).send('foo=bar'),
      /needs a query=/,
    ],
    [
      'a form update given twice',
      () => request(t.app).post('/sparql').type(FORM).send('update=a&update=b'),
      /given 2 times/,
    ],
    [
      'a malformed query',
      () => request(t.app).get('/sparql').query({ query: 'SELECT WHERE {' }),
      /^Malformed SPARQL query: line 1, column 8: unexpected "WHERE"; expected "\*", "\(", a variable/,
    ],
    [
      'an update sent as a query',
      () => request(t.app).get('/sparql').query({ query: 'INSERT DATA { <a:a> <a:a> <a:a> }' }),
      /Expected a SPARQL query, got an update/,
    ],
    ['an empty query', () => request(t.app).get('/sparql?query='), /empty/],
    [
      'an empty query body',
      () => request(t.app).post('/sparql').type('application/sparql-query').send(''),
      /empty/,
    ],
    ['an update in the URL', () => request(t.app).get('/sparql?update=x'), /cannot be sent in the URL/],
    [
      'default-graph-uri that is not an IRI',
      () => request(t.app).get(`/sparql?query=${q}&default-graph-uri=not%20an%20iri`),
      /absolute IRI/,
    ],
    [
      'dataset parameters without a query',
      () => request(t.app).get(`/sparql?named-graph-uri=${encodeURIComponent(G1)}`),
      /without a query/,
    ],
    [
      'using-graph-uri with a query',
      () => request(t.app).get(`/sparql?query=${q}&using-graph-uri=${encodeURIComponent(G1)}`),
      /applies to updates/,
    ],
    [
      'using-graph-uri with USING in the update text',
      () =>
        request(t.app)
          .post(`/sparql?using-graph-uri=${encodeURIComponent(G1)}`)
          .type('application/sparql-update')
          .send(`DELETE { ?s ?p ?o } USING <${G1}> WHERE { ?s ?p ?o }`),
      /cannot be combined with USING or WITH/,
    ],
    [
      'using-named-graph-uri with WITH in an update form',
      () =>
        request(t.app)
          .post('/sparql')
          .type(FORM)
          .send(
            `update=${encodeURIComponent(`WITH <${G1}> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }`)}&using-named-graph-uri=${encodeURIComponent(G1)}`,
          ),
      /cannot be combined with USING or WITH/,
    ],
    [
      'default-graph-uri with an update',
      () =>
        request(t.app)
          .post(`/sparql?default-graph-uri=${encodeURIComponent(G1)}`)
          .type('application/sparql-update')
          .send('CLEAR ALL'),
      /applies to queries/,
    ],
  ])('answers 400 for %s', async (_case, send, message) => {
    const res = await send();
    expect(res.status).toBe(400);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.text).toMatch(message);
  });

  it.each([
    ['text/plain', 'ASK {}'],
    ['application/json', '{"query":"ASK {}"}'],
    ['application/sparql-results+json', '{}'],
  ])('answers 415 for a POST with Content-Type %s', async (type, body) => {
    const res = await request(t.app).post('/sparql').type(type).send(body);
    expect(res.status).toBe(415);
    expect(res.text).toMatch(
      /application\/sparql-query, application\/sparql-update, application\/x-www-form-urlencoded/,
    );
  });

  it('answers 415 for a POST without a Content-Type', async () => {
    const res = await request(t.app).post('/sparql').set('Content-Type', '').send(Buffer.from('ASK {}'));
    expect(res.status).toBe(415);
  });

  it('answers 413 for a body over the configured limit, naming PROVML_MAX_BODY', async () => {
    const res = await request(t.app)
      .post('/sparql')
      .type('application/sparql-query')
      .send(`ASK { ${'?s ?p ?o . '.repeat(50)} }`);
    expect(res.status).toBe(413);
    expect(res.text).toMatch(/200 bytes.*PROVML_MAX_BODY/);
  });

  it.each(['PUT', 'DELETE', 'PATCH'])('answers 405 with Allow for %s /sparql', async (method) => {
    const res = await request(t.app)[method.toLowerCase() as 'put' | 'delete' | 'patch']('/sparql');
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('answers OPTIONS with the allowed methods', async () => {
    const res = await request(t.app).options('/sparql');
    expect(res.status).toBe(204);
    expect(res.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('answers 404 in plain text for unknown paths', async () => {
    const res = await request(t.app).get('/nope');
    expect(res.status).toBe(404);
    expect(res.text).toMatch(/\/sparql/);
  });
});

/**
 * A store where the client's query runs past its time limit, as the durable store reports it; the server's own
 * queries (the online state's refresh before a read) still answer.
 */
class TimingOutStore extends MemoryStore {
  override async query(...args: Parameters<MemoryStore['query']>): Promise<QueryResults> {
    const [query] = args;
    if ((typeof query === 'string' ? query : query.text) === SELECT) throw new QueryTimeoutError(5);
    return super.query(...args);
  }
}

describe('SPARQL 1.1 Protocol: time limit', () => {
  it('answers 503 with Retry-After for a query over its time limit and keeps serving', async () => {
    const store = new TimingOutStore();
    await store.open();
    const app = appOver(store, testConfig());
    const res = await request(app).get('/sparql').query({ query: SELECT });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
    expect(res.text).toMatch(/time limit of 5 ms.*PROVML_QUERY_TIMEOUT_MS/);
    const health = await request(app).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  });
});
