import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { askBoolean } from '../../src/store/index.ts';
import { EX, G1, seededApp } from './fixture.ts';

/** UTF-16 as Java, the IANA charset "UTF-16" and the W3C protocol tests write it: big-endian, with a BOM. */
const utf16 = (text: string): Buffer => {
  const little = Buffer.from(text, 'utf16le');
  return Buffer.concat([Buffer.from([0xfe, 0xff]), little.swap16()]);
};
const utf16NoBom = (text: string): Buffer => Buffer.from(text, 'utf16le');
const latin1 = (text: string): Buffer => Buffer.from(text, 'latin1');

async function quads(store: { stats(): Promise<{ quads: number }> }): Promise<number> {
  return (await store.stats()).quads;
}

describe('request bodies are UTF-8 or refused, never executed', () => {
  it.each([
    ['UTF-16 with a BOM, declared', utf16('CLEAR NAMED'), 'application/sparql-update; charset=UTF-16'],
    [
      'UTF-16 without a BOM, declared',
      utf16NoBom('CLEAR NAMED'),
      'application/sparql-update; charset=utf-16le',
    ],
    ['UTF-16 with a BOM, undeclared', utf16('CLEAR NAMED'), 'application/sparql-update'],
    ['ISO-8859-1, declared', latin1('CLEAR NAMED'), 'application/sparql-update; charset=iso-8859-1'],
    ['a form in UTF-16', utf16('update=CLEAR%20NAMED'), 'application/x-www-form-urlencoded; charset=utf-16'],
  ])('/sparql refuses an update in %s with 400 and the store keeps its graphs', async (_case, body, type) => {
    const { app, store } = await seededApp();
    const res = await request(app).post('/sparql').set('Content-Type', type).send(body);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/UTF-8/);
    expect(await store.hasGraph({ termType: 'NamedNode', value: G1 })).toBe(true);
    expect(await quads(store)).toBe(3);
  });

  it.each([
    [
      'an update form writing ISO-8859-1 text',
      `update=${encodeURIComponent(`INSERT DATA { <${EX}s> <${EX}p> "caf`)}%E9%22%20%7D`,
    ],
    ['an update form hiding a bad byte in a comment', 'update=CLEAR%20NAMED%20%23%FF'],
    ['an update form with a bad byte in a parameter name', 'update=CLEAR%20NAMED&x%FF=1'],
  ])('/sparql refuses %s (percent-encoded, not UTF-8) with 400 and writes nothing', async (_case, form) => {
    const { app, store } = await seededApp();
    const res = await request(app).post('/sparql').type('application/x-www-form-urlencoded').send(form);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/percent-encoded in a charset other than UTF-8/);
    expect(await store.hasGraph({ termType: 'NamedNode', value: G1 })).toBe(true);
    expect(await quads(store)).toBe(3);
  });

  it('refuses percent-encoded ISO-8859-1 in a query URL and in a Graph Store ?graph= (400)', async () => {
    const { app, store } = await seededApp();
    const query = await request(app).get(`/sparql?query=ASK%7B%3Fs%20%3Fp%20%22caf%E9%22%7D`);
    expect(query.status).toBe(400);
    expect(query.text).toMatch(/"query" is percent-encoded in a charset other than UTF-8/);
    const put = await request(app)
      .put('/store?graph=http%3A%2F%2Fexample.org%2Fcaf%E9')
      .type('text/turtle')
      .send(`<${EX}s> <${EX}p> "o" .`);
    expect(put.status).toBe(400);
    expect(await quads(store)).toBe(3);
  });

  it('reads UTF-8 percent-encoding, and leaves a % that encodes nothing as it is', async () => {
    const { app, store } = await seededApp();
    const insert = `update=${encodeURIComponent(`INSERT DATA { <${EX}s> <${EX}p> "café ✓" }`)}`;
    const res = await request(app).post('/sparql').type('application/x-www-form-urlencoded').send(insert);
    expect(res.status).toBe(204);
    expect(await askBoolean(store, `ASK { <${EX}s> <${EX}p> "café ✓" }`)).toBe(true);
    const ask = await request(app)
      .post('/sparql')
      .type('application/x-www-form-urlencoded')
      .set('Accept', 'application/sparql-results+json')
      .send('query=ASK%20%7B%20FILTER("100%" = "100%25")%20%7D');
    expect(ask.status).toBe(200);
    expect(JSON.parse(ask.text).boolean).toBe(true);
  });

  it('/sparql refuses a UTF-16 query (400) and a query whose bytes are not UTF-8', async () => {
    const { app } = await seededApp();
    const declared = await request(app)
      .post('/sparql')
      .set('Content-Type', 'application/sparql-query; charset=UTF-16')
      .send(utf16('ASK {}'));
    expect(declared.status).toBe(400);
    const invalid = await request(app)
      .post('/sparql')
      .set('Content-Type', 'application/sparql-query')
      .send(latin1('ASK { ?s ?p "café" }'));
    expect(invalid.status).toBe(400);
  });

  it('accepts UTF-8, declared or not, US-ASCII declared, and keeps non-ASCII text intact', async () => {
    const { app, store } = await seededApp();
    for (const type of [
      'application/sparql-update',
      'application/sparql-update; charset="UTF-8"',
      'application/sparql-update; charset=utf8',
    ]) {
      const res = await request(app)
        .post('/sparql')
        .set('Content-Type', type)
        .send(Buffer.from(`INSERT DATA { <${EX}s> <${EX}p> "café ✓" }`, 'utf8'));
      expect(res.status).toBe(204);
    }
    const ascii = await request(app)
      .post('/sparql')
      .set('Content-Type', 'application/sparql-query; charset=us-ascii')
      .send(Buffer.from('ASK {}'));
    expect(ascii.status).toBe(200);
    expect(await askBoolean(store, `ASK { <${EX}s> <${EX}p> "café ✓" }`)).toBe(true);
  });

  it.each([
    [
      '/store?graph=http%3A%2F%2Fexample.org%2Fg3',
      'text/turtle; charset=iso-8859-1',
      latin1(`<${EX}s> <${EX}p> "é" .`),
    ],
    ['/store?graph=http%3A%2F%2Fexample.org%2Fg3', 'text/turtle', latin1(`<${EX}s> <${EX}p> "é" .`)],
    ['/store?default', 'application/n-triples; charset=utf-16', utf16(`<${EX}s> <${EX}p> "o" .\n`)],
    ['/api/v1/import', 'text/turtle; charset=utf-16', utf16(`<${EX}s> <${EX}p> "o" .`)],
    ['/api/v1/import', 'text/turtle', latin1(`<${EX}s> <${EX}p> "é" .`)],
    ['/api/v1/events', 'application/json; charset=utf-16', utf16('[]')],
    ['/api/v1/queries/failed-tasks', 'application/json; charset=utf-16', utf16('{"params":{}}')],
    ['/api/v1/queries/failed-tasks', 'application/json', latin1('{"params":{"execution":"é"}}')],
    ['/api/v1/events', 'application/x-ndjson', latin1('{"type":"é"}\n')],
  ])('%s refuses %s with 400 and writes nothing', async (path, type, body) => {
    const { app, store } = await seededApp();
    const res = await request(app)
      .post(path)
      .set('Content-Type', type)
      .serialize((raw: unknown) => raw as string)
      .send(body);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/UTF-8/);
    expect(await quads(store)).toBe(3);
  });
});
