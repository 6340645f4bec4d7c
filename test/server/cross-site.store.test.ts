// Cross-site writes and DNS rebinding, in process: every writing route × every shape a web page can give a
// request. A page may write only from an origin listed in writeOrigins; plain clients keep writing from loopback.

import { readFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request, { type Test } from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import type { ProvStore } from '../../src/store/index.ts';
import { askBoolean, dumpText } from '../../src/store/index.ts';
import { EX, G1, seededApp } from './fixture.ts';

type App = Parameters<typeof request>[0];

const EVENTS = readFileSync(new URL('../fixtures/events/evaluation.json', import.meta.url), 'utf8');
const LINEAGE = readFileSync(
  new URL('../fixtures/openlineage/spec_start_event.json', import.meta.url),
  'utf8',
);
const INSERT = `INSERT DATA { <${EX}w> <${EX}p> "written" }`;
const TURTLE = `<${EX}w> <${EX}p> "written" .`;
const graph = encodeURIComponent(G1);
const SERVICE = 'SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }';

interface Write {
  name: string;
  send: (app: App) => Test;
  /** Statuses of success, for the writes a permitted client can complete here. */
  ok?: number[];
}

/** Every request that writes, or that makes the server fetch elsewhere (which needs write access too). */
const WRITES: Write[] = [
  {
    name: 'form POST update=DROP ALL to /sparql',
    send: (app) => request(app).post('/sparql').type('form').send('update=DROP%20ALL'),
    ok: [204],
  },
  {
    name: 'application/sparql-update to /sparql',
    send: (app) => request(app).post('/sparql').type('application/sparql-update').send(INSERT),
    ok: [204],
  },
  {
    name: 'JSON events to /api/v1/events',
    send: (app) => request(app).post('/api/v1/events').type('application/json').send(EVENTS),
    ok: [202],
  },
  {
    name: 'an OpenLineage event to /api/v1/lineage',
    send: (app) => request(app).post('/api/v1/lineage').type('application/json').send(LINEAGE),
    ok: [202],
  },
  {
    name: 'text/plain Turtle to /api/v1/import?format=turtle',
    send: (app) => request(app).post('/api/v1/import?format=turtle').type('text/plain').send(TURTLE),
    ok: [200],
  },
  {
    name: 'Graph Store PUT',
    send: (app) => request(app).put(`/store?graph=${graph}`).type('text/turtle').send(TURTLE),
    ok: [201, 204],
  },
  {
    name: 'Graph Store POST',
    send: (app) => request(app).post(`/store?graph=${graph}`).type('text/turtle').send(TURTLE),
    ok: [201, 204],
  },
  {
    name: 'Graph Store DELETE',
    send: (app) => request(app).delete(`/store?graph=${graph}`),
    ok: [204],
  },
  {
    // What a page's fetch(…, { mode: 'no-cors', body: formData }) with a Blob sends.
    name: 'multipart form POST to /store',
    send: (app) =>
      request(app)
        .post('/store?default')
        .attach('file', Buffer.from(TURTLE), { filename: 'x.ttl', contentType: 'text/turtle' }),
    ok: [204],
  },
  {
    name: 'text/plain to /api/v1/events',
    send: (app) => request(app).post('/api/v1/events').type('text/plain').send(EVENTS),
  },
  {
    name: 'text/plain to /api/v1/lineage',
    send: (app) => request(app).post('/api/v1/lineage').type('text/plain').send(LINEAGE),
  },
  {
    name: 'GET with SERVICE (the server would fetch another endpoint)',
    send: (app) => request(app).get('/sparql').query({ query: SERVICE }),
  },
  {
    name: 'catalog query with an external source',
    send: (app) =>
      request(app)
        .get('/api/v1/queries/measure-per-epoch')
        .query({ measure: 'loss', source: 'http://127.0.0.1:9/sparql' }),
  },
];

/** How a web page's request can look: the headers a browser adds. */
const PAGES: Array<[string, Record<string, string>]> = [
  ['a cross-site page', { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' }],
  ['a same-site page on another port', { Origin: 'http://localhost:5173', 'Sec-Fetch-Site': 'same-site' }],
  ['an opaque page (Origin: null)', { Origin: 'null', 'Sec-Fetch-Site': 'cross-site' }],
  ['a cross-site request without Origin', { 'Sec-Fetch-Site': 'cross-site' }],
  ['a same-site request without Origin', { 'Sec-Fetch-Site': 'same-site' }],
  ['an Origin without Sec-Fetch-Site (older browsers)', { Origin: 'http://evil.example' }],
];

/** The whole store as sorted N-Quads: a count would miss a replace of the same size. */
async function snapshot(store: ProvStore): Promise<string> {
  const dump = await dumpText(store.dump({ format: 'application/n-quads' }));
  return dump.split('\n').filter(Boolean).sort().join('\n');
}

const withHeaders = (test: Test, headers: Record<string, string>): Test => {
  for (const [name, value] of Object.entries(headers)) test.set(name, value);
  return test;
};

describe('a web page cannot write', () => {
  describe.each(PAGES)('from %s', (_page, headers) => {
    it.each(WRITES.map((w) => [w.name, w] as const))('%s: refused, store unchanged', async (_name, write) => {
      const { app, store } = await seededApp();
      const before = await snapshot(store);
      const res = await withHeaders(write.send(app), headers);
      // 403 from the write check itself, whatever the content type (a 415 would only mean "not parsed").
      expect(res.status).toBe(403);
      expect(res.text).toContain('PROVML_WRITE_ORIGINS');
      expect(await snapshot(store)).toBe(before);
    });
  });

  const REFUSED: Array<[string, Record<string, unknown>, Record<string, string>]> = [
    ['with CORS off (PROVML_CORS_ORIGINS=none)', { corsOrigins: 'none' }, { Origin: 'http://evil.example' }],
    [
      'with the right token from an unlisted origin',
      { token: 'tok' },
      { Origin: 'http://evil.example', Authorization: 'Bearer tok' },
    ],
    ['from the server’s own pages (same-origin)', {}, { 'Sec-Fetch-Site': 'same-origin' }],
    [
      'from another origin while one is listed',
      { writeOrigins: 'http://localhost:5173' },
      { Origin: 'http://localhost:5174' },
    ],
  ];
  it.each(REFUSED)('%s: every write is refused', async (_case, flags, headers) => {
    const { app, store } = await seededApp(flags);
    const before = await snapshot(store);
    for (const write of WRITES.filter((w) => w.ok)) {
      const res = await withHeaders(write.send(app), headers);
      expect(res.status, write.name).toBe(403);
    }
    expect(await snapshot(store)).toBe(before);
  });

  it('says which page was refused and how to allow one', async () => {
    const { app } = await seededApp();
    const res = await request(app)
      .post('/sparql')
      .type('form')
      .set('Origin', 'http://evil.example')
      .send('update=DROP%20ALL');
    expect(res.text).toContain('a web page at http://evil.example');
    expect(res.text).toContain('PROVML_WRITE_ORIGINS (or --write-origins)');
  });

  it('the server’s own pages read without CORS, even with CORS off', async () => {
    const { app } = await seededApp({ corsOrigins: 'none' });
    const own = { Origin: 'http://127.0.0.1:7070', 'Sec-Fetch-Site': 'same-origin', Host: '127.0.0.1:7070' };
    const res = await withHeaders(
      request(app).post('/sparql').type('application/sparql-query').send('ASK { ?s ?p ?o }'),
      own,
    );
    expect(res.status).toBe(200);
    expect(res.body.boolean).toBe(true);
  });

  it('still reads: queries, Graph Store GET and POSTed queries from any page (CORS open)', async () => {
    const { app } = await seededApp();
    const page = { Origin: 'http://evil.example', 'Sec-Fetch-Site': 'cross-site' };
    const get = await withHeaders(request(app).get('/sparql').query({ query: 'ASK {}' }), page);
    expect(get.status).toBe(200);
    expect(get.headers['access-control-allow-origin']).toBe('*');
    const form = await withHeaders(
      request(app).post('/sparql').type('form').send('query=ASK%20%7B%7D'),
      page,
    );
    expect(form.status).toBe(200);
    expect((await withHeaders(request(app).get(`/store?graph=${graph}`), page)).status).toBe(200);
  });
});

describe('who may still write', () => {
  it.each(WRITES.filter((w) => w.ok).map((w) => [w.name, w] as const))(
    'a plain loopback client (no Origin), no token: %s',
    async (_name, write) => {
      const { app } = await seededApp();
      expect(write.ok).toContain((await write.send(app)).status);
    },
  );

  it.each(WRITES.filter((w) => w.ok).map((w) => [w.name, w] as const))(
    'a listed origin with the token: %s (401 without it)',
    async (_name, write) => {
      const { app } = await seededApp({ token: 'tok', writeOrigins: 'http://localhost:5173' });
      const page = { Origin: 'http://localhost:5173', 'Sec-Fetch-Site': 'same-site' };
      expect((await withHeaders(write.send(app), page)).status).toBe(401);
      const res = await withHeaders(write.send(app), { ...page, Authorization: 'Bearer tok' });
      expect(write.ok).toContain(res.status);
      expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    },
  );

  it('a listed origin without a configured token writes from loopback', async () => {
    const { app, store } = await seededApp({ writeOrigins: 'http://LOCALHOST:5173/' });
    const res = await request(app)
      .post('/sparql')
      .type('application/sparql-update')
      .set('Origin', 'http://localhost:5173')
      .send(INSERT);
    expect(res.status).toBe(204);
    expect(await askBoolean(store, `ASK { <${EX}w> ?p ?o }`)).toBe(true);
  });

  it('Node’s fetch (the TypeScript client; sends Sec-Fetch-Mode but no Origin) writes from loopback', async () => {
    const { app, store } = await seededApp();
    const server: Server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/sparql`, {
        method: 'POST',
        headers: { 'content-type': 'application/sparql-update' },
        body: INSERT,
      });
      expect(res.status).toBe(204);
      expect(await askBoolean(store, `ASK { <${EX}w> ?p ?o }`)).toBe(true);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe('DNS rebinding: a Host that is not a name of this server', () => {
  const REQUESTS: Array<[string, (app: App) => Test]> = [
    ['GET /health', (app: App) => request(app).get('/health')],
    ['GET /sparql', (app: App) => request(app).get('/sparql').query({ query: 'ASK {}' })],
    ['a CORS preflight', (app: App) => request(app).options('/sparql').set('Origin', 'http://evil.example')],
    ...WRITES.filter((w) => w.ok).map((w): [string, (app: App) => Test] => [w.name, w.send]),
  ];
  it.each(REQUESTS)('%s is refused with 403 before anything is read or written', async (_name, send) => {
    const { app, store } = await seededApp();
    const before = await snapshot(store);
    const res = await send(app).set('Host', 'evil.example:7070');
    expect(res.status).toBe(403);
    expect(res.text).toContain('"evil.example:7070" is not a name of this server');
    expect(res.text).toContain('PROVML_ALLOWED_HOSTS');
    expect(await snapshot(store)).toBe(before);
  });

  it.each([
    ['localhost:7070', {}],
    ['LOCALHOST', {}],
    ['127.0.0.1:9999', {}],
    ['[::1]:7070', {}],
    ['10.1.2.3:7070', {}],
    ['app.localhost:7070', {}],
    ['provml.internal:7070', { allowedHosts: 'provml.internal' }],
    ['a.b.example.org', { allowedHosts: '.example.org' }],
    ['example.org:80', { allowedHosts: '.example.org' }],
    ['anything.example', { allowedHosts: '*' }],
    ['workstation:7070', { host: 'workstation' }],
  ])('Host %s is served', async (host, flags) => {
    const { app } = await seededApp(flags);
    expect((await request(app).get('/health').set('Host', host)).status).toBe(200);
  });

  it.each([
    ['badexample.org', { allowedHosts: '.example.org' }],
    ['localhost.', {}],
    ['127.0.0.1.evil.example', {}],
    ['evil.example', { allowedHosts: 'provml.internal' }],
  ])('Host %s is refused', async (host, flags) => {
    const { app } = await seededApp(flags);
    expect((await request(app).get('/health').set('Host', host)).status).toBe(403);
  });

  describe('over a raw socket', () => {
    let server: Server | undefined;
    afterEach(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('answers 403 while the body is still on its way: the body is never read', async () => {
      const { app, store } = await seededApp();
      const before = await snapshot(store);
      server = app.listen(0, '127.0.0.1');
      await new Promise((resolve) => server?.once('listening', resolve));
      const { port } = server.address() as AddressInfo;
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/v1/events',
          headers: { host: 'rebound.example', 'content-type': 'application/json', 'content-length': 100_000 },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        // Part of the body only: were it read first, no answer would come until the rest arrived.
        req.write('[');
      });
      expect(status).toBe(403);
      expect(await snapshot(store)).toBe(before);
    });
  });
});
