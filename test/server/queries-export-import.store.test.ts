import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProvStore } from '../../src/store/index.ts';
import { ID, lifecycleStore } from '../query/support/lifecycle.ts';
import { appOver, testConfig } from './fixture.ts';

let store: ProvStore;
let app: ReturnType<typeof appOver>;
beforeAll(async () => {
  store = await lifecycleStore();
  app = appOver(store, testConfig());
});

describe('GET /api/v1/queries and /api/v1/queries/:name', () => {
  it('lists the catalog with typed parameters and columns', async () => {
    const res = await request(app).get('/api/v1/queries').expect(200);
    const lineage = res.body.queries.find((q: { name: string }) => q.name === 'model-lineage');
    expect(lineage).toMatchObject({
      phase: 'learning',
      online: false,
      params: [{ name: 'model', type: 'iri', required: true }],
    });
    expect(lineage.columns.map((c: { name: string }) => c.name)).toEqual([
      'ancestor',
      'kind',
      'name',
      'location',
    ]);
  });

  it('needs write access to name external sources, which the server would fetch or read', async () => {
    const guarded = appOver(store, testConfig({ token: 'secret-token' }));
    const query = { measure: 'loss', source: 'http://127.0.0.1:9/sparql' };
    await request(guarded).get('/api/v1/queries/measure-per-epoch').query(query).expect(401);
    await request(guarded)
      .post('/api/v1/queries/measure-per-epoch')
      .send({ params: { measure: 'loss' }, sources: ['/etc/passwd'] })
      .expect(401);
    await request(guarded).get('/api/v1/queries/measure-per-epoch').query({ measure: 'loss' }).expect(200);
  });

  it('runs a query with parameters from the URL (SPARQL JSON) and from a JSON body (CSV)', async () => {
    const res = await request(app)
      .get('/api/v1/queries/measure-per-epoch')
      .query({ measure: 'loss', run: `${ID}wfexec/train-2/task/fit` })
      .expect(200);
    expect(res.type).toBe('application/sparql-results+json');
    expect(res.body.results.bindings.map((b: Record<string, { value: string }>) => b.value?.value)).toEqual([
      '0.8',
      '0.6',
    ]);
    const csv = await request(app)
      .post('/api/v1/queries/failed-tasks')
      .set('accept', 'text/csv')
      .send({ params: { execution: `${ID}wfexec/prep-2` } })
      .expect(200);
    expect(csv.text.split('\r\n')[0]).toBe('execution,task,transformation,error,input,inputValue');
    expect(csv.text).toContain('NaN in amplitudes');
  });

  it('answers 400 naming a bad parameter, 404 for an unknown name, and leaves the store alone', async () => {
    const before = (await store.stats()).quads;
    const bad = await request(app)
      .get('/api/v1/queries/model-lineage')
      .query({ model: '"} ; DROP ALL ; {"' })
      .expect(400);
    expect(bad.text).toContain('Parameter "model"');
    const missing = await request(app).get('/api/v1/queries/model-lineage').expect(400);
    expect(missing.text).toContain('"model": missing');
    const inert = await request(app)
      .get('/api/v1/queries/measure-per-epoch')
      .query({ measure: '"} ; DROP ALL ; {"' })
      .expect(200);
    expect(inert.body.results.bindings).toEqual([]);
    await request(app).get('/api/v1/queries/drop-all').expect(404);
    expect((await store.stats()).quads).toBe(before);
  });
});

describe('GET /api/v1/export and POST /api/v1/import', () => {
  it('exports a model lineage as JSON-LD (by format=) and a graph as Turtle (by Accept)', async () => {
    const json = await request(app)
      .get('/api/v1/export')
      .query({ model: `${ID}data/unet-a`, format: 'jsonld' })
      .expect(200);
    expect(json.type).toBe('application/ld+json');
    expect(JSON.parse(json.text)['@context']).toBe('https://w3id.org/provml/context.jsonld');
    const ttl = await request(app)
      .get('/api/v1/export')
      .query({ graph: 'https://w3id.org/provml/graph/wfexec/cur-1' })
      .set('accept', 'text/turtle')
      .expect(200);
    expect(ttl.type).toBe('text/turtle');
    await request(app).get('/api/v1/export').query({ graph: 'http://ex.org/none' }).expect(404);
    await request(app).get('/api/v1/export').expect(400);
  });

  it('imports an export into another server, write-protected by the token', async () => {
    const exported = await request(app)
      .get('/api/v1/export')
      .query({ experiment: `${ID}experiment/exp-facies`, format: 'trig' })
      .expect(200);
    const target = appOver(
      await (await import('../../src/store/index.ts')).openMemoryStore(),
      testConfig({ token: 'secret' }),
    );
    await request(target)
      .post('/api/v1/import')
      .set('content-type', 'application/trig')
      .send(exported.text)
      .expect(401);
    const ok = await request(target)
      .post('/api/v1/import')
      .set('authorization', 'Bearer secret')
      .set('content-type', 'application/trig')
      .send(exported.text)
      .expect(200);
    expect(ok.body.quadsAdded).toBeGreaterThan(100);
    const again = await request(target)
      .get('/api/v1/queries/measure-per-epoch')
      .query({ measure: 'loss' })
      .expect(200);
    expect(again.body.results.bindings).toHaveLength(7);
  });
});
