import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { askBoolean, selectRows } from '../../src/store/index.ts';
import { POSTED_GRAPH_BASE } from '../../src/vocab.ts';
import { EX, G1, seededApp, text } from './fixture.ts';

const G3 = `${EX}g3`;
const at = (graph: string): string => `/store?graph=${encodeURIComponent(graph)}`;
const BOUNDARY = 'a6fe4cd636164618814be9f8d3d1a0de';

function multipart(parts: Array<{ name: string; type: string; body: string }>): string {
  const pieces = parts.map(
    (part) =>
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.name}"\r\nContent-Type: ${part.type}\r\n\r\n${part.body}\r\n`,
  );
  return `${pieces.join('')}--${BOUNDARY}--\r\n`;
}

describe('Graph Store POST: multipart/form-data', () => {
  it('merges every part, each parsed by its own Content-Type (blank nodes stay apart)', async () => {
    const { app, store } = await seededApp();
    const body = multipart([
      {
        name: 'a.ttl',
        type: 'text/turtle',
        body: `@prefix ex: <${EX}> . ex:s ex:family "Doe" . _:x ex:n "1" .`,
      },
      {
        name: 'b.nt',
        type: 'application/n-triples',
        body: `<${EX}s> <${EX}given> "Jane" .\n_:x <${EX}n> "2" .`,
      },
      { name: 'c.jsonld', type: 'application/octet-stream', body: `{"@id":"${EX}s","${EX}nick":"JD"}` },
    ]);
    const res = await request(app)
      .post(at(G3))
      .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
      .send(body);
    expect(res.status).toBe(201);
    const rows = await selectRows(
      store,
      `SELECT ?p ?o WHERE { GRAPH <${G3}> { <${EX}s> ?p ?o } } ORDER BY ?o`,
    );
    expect(rows.rows.map((row) => row.o?.value)).toEqual(['Doe', 'JD', 'Jane']);
    const blanks = await selectRows(
      store,
      `SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH <${G3}> { ?b <${EX}n> ?o } }`,
    );
    expect(blanks.rows[0]?.n?.value).toBe('2');
  });

  it('writes nothing when one part is malformed (400)', async () => {
    const { app, store } = await seededApp();
    const body = multipart([
      { name: 'ok.ttl', type: 'text/turtle', body: `<${EX}s> <${EX}p> "ok" .` },
      { name: 'bad.ttl', type: 'text/turtle', body: '<a> <b>' },
    ]);
    const res = await request(app)
      .post(at(G1))
      .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
      .send(body);
    expect(res.status).toBe(400);
    expect(await askBoolean(store, `ASK { GRAPH <${G1}> { ?s ?p "ok" } }`)).toBe(false);
  });

  it('refuses a part that is not a file, and one whose format cannot be told', async () => {
    const { app } = await seededApp();
    const field = `--${BOUNDARY}\r\nContent-Disposition: form-data; name="x"\r\n\r\n<${EX}s> <${EX}p> "o" .\r\n--${BOUNDARY}--\r\n`;
    const unknown = multipart([{ name: 'data.bin', type: 'application/octet-stream', body: 'x' }]);
    for (const body of [field, unknown]) {
      const res = await request(app)
        .post(at(G1))
        .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
        .send(body);
      expect(res.status).toBe(400);
    }
  });

  it('answers 413 for a part over the body limit and writes nothing (never a truncated part)', async () => {
    const { app, store } = await seededApp({ maxBodyBytes: 200 });
    const big = multipart([
      { name: 'a.ttl', type: 'text/turtle', body: `<${EX}s> <${EX}p> "${'x'.repeat(300)}" .` },
    ]);
    const res = await request(app)
      .post(at(G3))
      .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
      .send(big);
    expect(res.status).toBe(413);
    expect(await store.hasGraph({ termType: 'NamedNode', value: G3 })).toBe(false);
  });

  it('is 415 on PUT (GSP defines multipart for POST only)', async () => {
    const { app } = await seededApp();
    const res = await request(app)
      .put(at(G1))
      .set('Content-Type', `multipart/form-data; boundary=${BOUNDARY}`)
      .send(multipart([{ name: 'a.ttl', type: 'text/turtle', body: `<${EX}s> <${EX}p> "o" .` }]));
    expect(res.status).toBe(415);
  });
});

describe('Graph Store POST without a graph: creates one', () => {
  it('answers 201 with a Location naming a fresh graph that holds the body', async () => {
    const { app, store } = await seededApp();
    const first = await request(app).post('/store').type('text/turtle').send(`<${EX}s> <${EX}p> "new" .`);
    expect(first.status).toBe(201);
    const location = first.headers.location ?? '';
    expect(location.startsWith(POSTED_GRAPH_BASE)).toBe(true);
    const second = await request(app).post('/store').type('text/turtle').send(`<${EX}s> <${EX}p> "new" .`);
    expect(second.headers.location).not.toBe(location);
    const read = await request(app).get(at(location)).set('Accept', 'application/n-triples').parse(text);
    expect(read.status).toBe(200);
    expect(read.body).toBe(`<${EX}s> <${EX}p> "new" .\n`);
    expect(await store.hasGraph({ termType: 'NamedNode', value: location })).toBe(true);
  });

  it('resolves relative IRIs against the new graph IRI', async () => {
    const { app, store } = await seededApp();
    const res = await request(app).post('/store').type('text/turtle').send('<#s> <#p> "rel" .');
    const graph = res.headers.location ?? '';
    expect(await askBoolean(store, `ASK { GRAPH <${graph}> { <${graph}#s> <${graph}#p> "rel" } }`)).toBe(
      true,
    );
  });

  it('refuses an empty body (a graph exists only with content)', async () => {
    const { app, store } = await seededApp();
    const before = await store.listGraphs();
    const res = await request(app).post('/store').type('text/turtle').send('# nothing');
    expect(res.status).toBe(400);
    expect(await store.listGraphs()).toEqual(before);
  });

  it('still needs write access', async () => {
    const { app } = await seededApp({ token: 'secret' });
    const res = await request(app).post('/store').type('text/turtle').send(`<${EX}s> <${EX}p> "o" .`);
    expect(res.status).toBe(401);
  });
});

describe('Graph Store bodies: JSON-LD and base IRIs', () => {
  it('PUT accepts JSON-LD, with the shipped context offline and relative IRIs against the graph', async () => {
    const { app, store } = await seededApp();
    const doc = {
      '@context': { ex: EX },
      '@id': 'ex:s',
      'ex:p': 'from json-ld',
      'ex:rel': { '@id': 'child' },
    };
    const res = await request(app).put(at(G3)).type('application/ld+json').send(JSON.stringify(doc));
    expect(res.status).toBe(201);
    expect(await askBoolean(store, `ASK { GRAPH <${G3}> { <${EX}s> <${EX}p> "from json-ld" } }`)).toBe(true);
    expect(await askBoolean(store, `ASK { GRAPH <${G3}> { <${EX}s> <${EX}rel> <${EX}child> } }`)).toBe(true);
  });

  it('refuses JSON-LD with a remote context (nothing is fetched) and JSON-LD naming other graphs', async () => {
    const { app, store } = await seededApp();
    const remote = { '@context': 'http://example.org/context.jsonld', '@id': 'x' };
    const namedGraph = { '@id': `${EX}elsewhere`, '@graph': [{ '@id': `${EX}s`, [`${EX}p`]: 'o' }] };
    for (const doc of [remote, namedGraph]) {
      const res = await request(app).put(at(G3)).type('application/ld+json').send(JSON.stringify(doc));
      expect(res.status).toBe(400);
    }
    expect(await store.hasGraph({ termType: 'NamedNode', value: G3 })).toBe(false);
  });

  it('resolves relative IRIs of a ?default body against the request URL', async () => {
    const { app, store } = await seededApp();
    const res = await request(app)
      .put('/store?default')
      .set('Host', 'localhost:7070')
      .type('text/turtle')
      .send('<s> <p> "d" .');
    expect(res.status).toBe(204);
    expect(await askBoolean(store, 'ASK { <http://localhost:7070/s> <http://localhost:7070/p> "d" }')).toBe(
      true,
    );
  });

  it('answers 201 for a PUT that gives the empty default graph content, 204 once it has some', async () => {
    const { app } = await seededApp({}, '');
    const put = () => request(app).put('/store?default').type('text/turtle').send(`<${EX}s> <${EX}p> "o" .`);
    expect((await put()).status).toBe(201);
    expect((await put()).status).toBe(204);
  });
});

describe('Graph Store: direct graph identification is not offered', () => {
  it('answers 404 under /store/…, so a graph is only ever named by ?graph= or ?default', async () => {
    const { app } = await seededApp();
    expect((await request(app).get('/store/person/1.ttl')).status).toBe(404);
    expect(
      (await request(app).put('/store/person/1.ttl').type('text/turtle').send('<a> <b> <c> .')).status,
    ).toBe(404);
  });
});

describe('RDF/XML entity expansion is bounded (billion laughs)', () => {
  const laughs = (levels: number): string => {
    let dtd = '<!ENTITY lol0 "lol">';
    for (let level = 1; level <= levels; level++)
      dtd += `<!ENTITY lol${level} "${`&lol${level - 1};`.repeat(10)}">`;
    return `<?xml version="1.0"?><!DOCTYPE rdf:RDF [${dtd}]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="${EX}"><rdf:Description rdf:about="${EX}s"><ex:p>&lol${levels};</ex:p></rdf:Description></rdf:RDF>`;
  };

  it('refuses the body with 400 before parsing it; /health, asked at the same time, answers; nothing written', async () => {
    const { app, store } = await seededApp();
    const before = (await store.stats()).quads;
    const [put, post, health] = await Promise.all([
      request(app).put(at(G3)).type('application/rdf+xml').send(laughs(9)),
      request(app).post('/api/v1/validate/data').type('application/rdf+xml').send(laughs(9)),
      request(app).get('/health'),
    ]);
    expect(put.status).toBe(400);
    expect(put.text).toMatch(/billion laughs/);
    expect(post.status).toBe(400);
    expect(health.status).toBe(200);
    expect((await store.stats()).quads).toBe(before);
  });

  it('still accepts entities used as namespace abbreviations', async () => {
    const { app, store } = await seededApp();
    const xml = `<?xml version="1.0"?><!DOCTYPE rdf:RDF [<!ENTITY ex "${EX}">]><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:ex="${EX}"><rdf:Description rdf:about="&ex;s"><ex:p>abbreviated</ex:p></rdf:Description></rdf:RDF>`;
    expect((await request(app).put(at(G3)).type('application/rdf+xml').send(xml)).status).toBe(201);
    expect(await askBoolean(store, `ASK { GRAPH <${G3}> { <${EX}s> <${EX}p> "abbreviated" } }`)).toBe(true);
  });
});
