import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import { INLINE_PREPARE_MAX_CHARS } from '../../src/store/index.ts';
import { EX, G1, seededApp, text } from './fixture.ts';

// sparqljs costs seconds of CPU per MiB of SPARQL. Parsed on the main thread, an anonymous 0.7 MiB query
// held /health and every other request until its 400; a large text is now prepared in a thread of its own.

/** Thousands of triple patterns (seconds of parsing), ending in `tail`. */
const manyPatterns = (n: number, tail: string): string =>
  `SELECT ?o WHERE {\n${Array.from({ length: n }, (_, i) => `  OPTIONAL { ?s <${EX}p${i}> "v${i}" }\n`).join('')}${tail}`;
const padding = `# ${'x'.repeat(INLINE_PREPARE_MAX_CHARS)}\n`;

let server: Server | undefined;
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('large SPARQL texts at the endpoint', () => {
  it("/health, asked once the server has a large malformed query, answers before that query's 400", async () => {
    const { app } = await seededApp();
    const answered: string[] = [];
    let health: Promise<number> | undefined;
    // Once the big body is read, the handler prepares it in this same turn of the event loop: /health is
    // asked then, so on a blocked main thread it could only be accepted after the query's answer.
    const listening = createServer((req, res) => {
      if (req.method === 'POST' && req.url === '/sparql')
        req.once('end', () => {
          health = fetch(`${base()}/health`).then((res) => {
            answered.push('health');
            return res.status;
          });
        });
      app(req, res);
    });
    server = listening;
    await new Promise<void>((resolve) => listening.listen(0, '127.0.0.1', resolve));
    const base = () => `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const big = manyPatterns(12_000, '  ?s ?p\n}');
    const query = await fetch(`${base()}/sparql`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query' },
      body: big,
    });
    answered.push('query');
    const body = await query.text();
    expect(query.status).toBe(400);
    expect(body).toMatch(/Malformed SPARQL query/);
    expect(body).toMatch(/line 12003, column 1/);
    expect(await health).toBe(200);
    expect(answered).toEqual(['health', 'query']);
  });

  it('answers a large query as the same query unpadded', async () => {
    const { app } = await seededApp();
    const select = `SELECT ?o WHERE { GRAPH <${G1}> { ?s ?p ?o } }`;
    const small = await request(app)
      .post('/sparql')
      .type('application/sparql-query')
      .send(select)
      .parse(text);
    const large = await request(app)
      .post('/sparql')
      .type('application/sparql-query')
      .send(padding + select)
      .parse(text);
    expect(large.status).toBe(200);
    expect(JSON.parse(large.body)).toEqual(JSON.parse(small.body));
  });

  it('applies a large update, and refuses a large malformed one with its line', async () => {
    const { app } = await seededApp();
    const insert = `${padding}INSERT DATA { GRAPH <${G1}> { <${EX}big> <${EX}p> "large" } }`;
    const applied = await request(app).post('/sparql').type('application/sparql-update').send(insert);
    expect(applied.status).toBe(204);
    const ask = await request(app)
      .get('/sparql')
      .query({ query: `ASK { GRAPH <${G1}> { <${EX}big> <${EX}p> "large" } }` })
      .set('Accept', 'application/sparql-results+json')
      .parse(text);
    expect(JSON.parse(ask.body)).toMatchObject({ boolean: true });
    const refused = await request(app)
      .post('/sparql')
      .type('application/sparql-update')
      .send(`${padding}INSERT DATA {\n  <${EX}a> <${EX}p> \n}`);
    expect(refused.status).toBe(400);
    expect(refused.text).toMatch(/Malformed SPARQL update.*line 4/s);
  });
});
