import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { askBoolean, selectRows } from '../../src/store/index.ts';
import { EX, G1, seededApp, text } from './fixture.ts';

const G3 = `${EX}g3`;
const at = (graph: string): string => `/store?graph=${encodeURIComponent(graph)}`;
const named = (value: string) => ({ termType: 'NamedNode' as const, value });

describe('Graph Store Protocol: reading', () => {
  it.each([
    ['text/turtle', `<${EX}a> <${EX}p> "in g1"`],
    ['application/n-triples', `<${EX}a> <${EX}p> "in g1" .\n`],
    ['application/n-quads', `<${EX}a> <${EX}p> "in g1" <${G1}> .\n`],
    ['application/trig', `<${G1}> {\n<${EX}a> <${EX}p> "in g1"\n}`],
    ['application/ld+json', '"@value":"in g1"'],
    ['application/rdf+xml', 'in g1'],
  ])('GET ?graph= returns the graph as %s', async (accept, fragment) => {
    const { app } = await seededApp();
    const res = await request(app).get(at(G1)).set('Accept', accept).parse(text);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']?.split(';')[0]).toBe(accept);
    expect(res.body).toContain(fragment);
    expect(res.body).not.toContain('in g2');
  });

  it('GET ?default returns only the default graph', async () => {
    const { app } = await seededApp();
    const res = await request(app).get('/store?default').parse(text);
    expect(res.status).toBe(200);
    expect(res.body).toContain('in default');
    expect(res.body).not.toContain('in g1');
  });

  it('answers 404 for GET and HEAD of a missing graph, 200 for HEAD of an existing one', async () => {
    const { app } = await seededApp();
    expect((await request(app).get(at(G3))).status).toBe(404);
    expect((await request(app).head(at(G3))).status).toBe(404);
    const head = await request(app).head(at(G1));
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toMatch(/^text\/turtle/);
  });

  it('answers 406 when no RDF type is acceptable', async () => {
    const { app } = await seededApp();
    const res = await request(app).get(at(G1)).set('Accept', 'text/csv');
    expect(res.status).toBe(406);
  });
});

describe('Graph Store Protocol: writing', () => {
  it('PUT creates a graph (201), PUT again replaces it (204)', async () => {
    const { app, store } = await seededApp();
    const first = await request(app).put(at(G3)).type('text/turtle').send(`<${EX}s> <${EX}p> "one" .`);
    expect(first.status).toBe(201);
    const second = await request(app)
      .put(at(G3))
      .type('application/n-triples')
      .send(`<${EX}s> <${EX}p> "two" .\n`);
    expect(second.status).toBe(204);
    const rows = await selectRows(store, `SELECT ?o WHERE { GRAPH <${G3}> { ?s ?p ?o } }`);
    expect(rows.rows.map((r) => r.o?.value)).toEqual(['two']);
  });

  it('POST merges into an existing graph (204) and creates a new one (201)', async () => {
    const { app, store } = await seededApp();
    expect(
      (await request(app).post(at(G1)).type('text/turtle').send(`<${EX}a> <${EX}p> "more" .`)).status,
    ).toBe(204);
    expect((await selectRows(store, `SELECT ?o WHERE { GRAPH <${G1}> { ?s ?p ?o } }`)).rows).toHaveLength(2);
    expect(
      (await request(app).post(at(G3)).type('text/turtle').send(`<${EX}a> <${EX}p> "new" .`)).status,
    ).toBe(201);
  });

  it('resolves relative IRIs in a body against the graph IRI', async () => {
    const { app, store } = await seededApp();
    await request(app).put(at(G3)).type('text/turtle').send('<#s> <#p> "rel" .');
    expect(await askBoolean(store, `ASK { GRAPH <${G3}> { <${G3}#s> <${G3}#p> "rel" } }`)).toBe(true);
  });

  it.each([
    [
      'POST',
      'application/n-quads',
      `<${EX}q> <${EX}p> "quad" <${EX}elsewhere> .\n<${EX}q> <${EX}p> "plain" .\n`,
    ],
    ['POST', 'application/trig', `<${EX}elsewhere> { <${EX}q> <${EX}p> "quad" } <${EX}q> <${EX}p> "plain" .`],
    [
      'PUT',
      'application/n-quads',
      `<${EX}q> <${EX}p> "quad" <${EX}elsewhere> .\n<${EX}q> <${EX}p> "plain" .\n`,
    ],
    ['PUT', 'application/trig', `<${EX}elsewhere> { <${EX}q> <${EX}p> "quad" } <${EX}q> <${EX}p> "plain" .`],
  ])('%s with %s naming another graph is refused (400), nothing written', async (method, type, body) => {
    const { app, store } = await seededApp();
    const before = (await store.stats()).quads;
    const send = method === 'PUT' ? request(app).put(at(G3)) : request(app).post(at(G3));
    const res = await send.type(type).send(body);
    expect(res.status).toBe(400);
    expect(res.text).toContain(`named graph <${EX}elsewhere>`);
    expect((await store.stats()).quads).toBe(before);
    expect(await store.hasGraph(named(G3))).toBe(false);
  });

  it.each([
    ['POST', 'application/n-quads', `<${EX}q> <${EX}p> "plain" .\n`],
    ['PUT', 'application/trig', `<${EX}q> <${EX}p> "plain" .`],
  ])(
    '%s with %s holding only default-graph triples writes them to the addressed graph',
    async (method, type, body) => {
      const { app, store } = await seededApp();
      const send = method === 'PUT' ? request(app).put(at(G3)) : request(app).post(at(G3));
      expect((await send.type(type).send(body)).status).toBe(201);
      expect(await askBoolean(store, `ASK { GRAPH <${G3}> { <${EX}q> <${EX}p> "plain" } }`)).toBe(true);
    },
  );

  it('accepts RDF/XML bodies', async () => {
    const { app, store } = await seededApp();
    const xml = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="${EX}"><rdf:Description rdf:about="${EX}x"><ex:p>xml</ex:p></rdf:Description></rdf:RDF>`;
    expect((await request(app).post(at(G3)).type('application/rdf+xml').send(xml)).status).toBe(201);
    expect(await askBoolean(store, `ASK { GRAPH <${G3}> { <${EX}x> <${EX}p> "xml" } }`)).toBe(true);
  });

  it('PUT ?default replaces the default graph only', async () => {
    const { app, store } = await seededApp();
    expect(
      (await request(app).put('/store?default').type('text/turtle').send(`<${EX}d> <${EX}p> "replaced" .`))
        .status,
    ).toBe(204);
    expect(await askBoolean(store, `ASK { <${EX}d> <${EX}p> "replaced" }`)).toBe(true);
    expect(await askBoolean(store, `ASK { <${EX}d> <${EX}p> "in default" }`)).toBe(false);
    expect(await store.hasGraph(named(G1))).toBe(true);
  });

  it('DELETE drops a graph (204), then answers 404 for it', async () => {
    const { app, store } = await seededApp();
    expect((await request(app).delete(at(G1))).status).toBe(204);
    expect(await store.hasGraph(named(G1))).toBe(false);
    expect((await request(app).delete(at(G1))).status).toBe(404);
    expect((await request(app).get(at(G1))).status).toBe(404);
  });

  it('DELETE ?default empties the default graph and keeps named graphs', async () => {
    const { app, store } = await seededApp();
    expect((await request(app).delete('/store?default')).status).toBe(204);
    expect((await store.stats()).quads).toBe(2);
  });
});

describe('Graph Store Protocol: errors', () => {
  it.each([
    ['no graph parameter', () => '/store', /Say which graph/],
    ['both graph and default', () => `${at(G1)}&default`, /not both/],
    ['graph given twice', () => `${at(G1)}&graph=${encodeURIComponent(G1)}`, /given 2 times/],
    ['a relative graph IRI', () => '/store?graph=g1', /absolute IRI/],
    ['default with a value', () => '/store?default=yes', /takes no value/],
  ])('answers 400 for %s', async (_case, path, message) => {
    const { app } = await seededApp();
    for (const res of [
      await request(app).get(path()),
      await request(app).put(path()).type('text/turtle').send(''),
    ]) {
      expect(res.status).toBe(400);
      expect(res.text).toMatch(message);
    }
  });

  it('answers 400 for a malformed body and leaves the graph as it was', async () => {
    const { app, store } = await seededApp();
    const res = await request(app).put(at(G1)).type('text/turtle').send('<a> <b>');
    expect(res.status).toBe(400);
    expect(await askBoolean(store, `ASK { GRAPH <${G1}> { ?s ?p "in g1" } }`)).toBe(true);
  });

  it.each(['text/plain', 'application/json', 'application/sparql-update'])(
    'answers 415 for a %s body',
    async (type) => {
      const { app } = await seededApp();
      const res = await request(app).put(at(G3)).type(type).send('x');
      expect(res.status).toBe(415);
      expect(res.text).toMatch(/text\/turtle/);
    },
  );

  it('answers 413 for a body over the limit', async () => {
    const { app } = await seededApp({ maxBodyBytes: 64 });
    const res = await request(app)
      .post(at(G3))
      .type('text/turtle')
      .send(`<${EX}s> <${EX}p> "${'x'.repeat(100)}" .`);
    expect(res.status).toBe(413);
  });

  it('answers 405 with Allow for PATCH', async () => {
    const { app } = await seededApp();
    const res = await request(app).patch(at(G1));
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, HEAD, PUT, POST, DELETE, OPTIONS');
  });
});
