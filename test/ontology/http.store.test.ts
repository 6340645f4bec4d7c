import { readFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.ts';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { GRAPH_BASE } from '../../src/vocab.ts';
import { openTestStore } from '../support/test-store.ts';

const SHAPES_FIXTURES = join(import.meta.dirname, '../fixtures/shapes');
const GRAPH = `${GRAPH_BASE}test-run`;
let store: ProvStore;
let app: ReturnType<typeof createApp>;
let invalid: string;

beforeAll(async () => {
  store = await openTestStore();
  invalid = await readFile(join(SHAPES_FIXTURES, 'invalid-lifecycle.ttl'), 'utf8');
  await store.load(invalid, { format: 'text/turtle', graph: { termType: 'NamedNode', value: GRAPH } });
  app = createApp({ store, config: defaultConfig(), logger: silentLogger() });
});
afterAll(() => store.close());

describe('GET /api/v1/validate/ontology', () => {
  it('answers the alignment report of the shipped ontology as JSON', async () => {
    const res = await request(app)
      .get('/api/v1/validate/ontology')
      .expect(200)
      .expect('content-type', /json/);
    expect(res.body).toMatchObject({ ok: true, violations: [], namespaces: ['https://w3id.org/provml#'] });
    expect(res.body.rules).toContain('class-reaches-prov');
  });

  it('refuses other methods', async () => {
    await request(app).post('/api/v1/validate/ontology').expect(405).expect('allow', 'GET');
  });
});

describe('POST /api/v1/validate/data', () => {
  it('validates an RDF body by its Content-Type and answers 200 with the findings', async () => {
    const res = await request(app)
      .post('/api/v1/validate/data')
      .set('content-type', 'text/turtle')
      .send(invalid)
      .expect(200);
    expect(res.body.conforms).toBe(false);
    expect(res.body.violations).toBe(8);
    const valid = await readFile(join(SHAPES_FIXTURES, 'valid-lifecycle.ttl'), 'utf8');
    const ok = await request(app)
      .post('/api/v1/validate/data')
      .set('content-type', 'text/turtle; charset=utf-8')
      .send(valid)
      .expect(200);
    expect(ok.body).toEqual({ conforms: true, violations: 0, warnings: 0, results: [] });
  });

  it('validates a graph of the store with ?graph=', async () => {
    const res = await request(app).post('/api/v1/validate/data').query({ graph: GRAPH }).expect(200);
    expect(res.body.violations).toBe(8);
    await request(app)
      .post('/api/v1/validate/data')
      .query({ graph: `${GRAPH_BASE}absent` })
      .expect(404);
  });

  it('answers 415 to a body that is not RDF and 400 to malformed RDF', async () => {
    await request(app).post('/api/v1/validate/data').set('content-type', 'text/csv').send('a,b').expect(415);
    const bad = await request(app)
      .post('/api/v1/validate/data')
      .set('content-type', 'application/n-quads')
      .send('<a> <b> .')
      .expect(400);
    expect(bad.text).toMatch(/not valid application\/n-quads/);
  });
});

describe('provml validate data --graph against a real server', () => {
  let server: Server;
  afterEach(() => {
    process.exitCode = 0;
  });
  beforeAll(async () => {
    server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('reads the graph from /store and reports its violations', async () => {
    const out: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => out.push(String(chunk)) > 0);
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const code = await main(['validate', 'data', '--graph', GRAPH, '--url', url, '--json']).finally(() =>
      spy.mockRestore(),
    );
    expect(code).toBe(1);
    expect(JSON.parse(out.join('')).violations).toBe(8);
  });
});
