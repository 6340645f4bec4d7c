// One request must not break the server nor be half-understood: bodies and parameters of the wrong shape are
// 400s naming the field, never a 500 nor a silently dropped option.
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

const quads = async (): Promise<number> => (await store.stats()).quads;

describe('POST /api/v1/events with a body that is not a batch', () => {
  it.each(['null', '{}', '{"type":"evaluation"}', '"x"', '42', 'true'])(
    '%s is a 400 that says a JSON array is expected, and writes nothing',
    async (body) => {
      const before = await quads();
      for (const format of ['provml', 'flowcept']) {
        const res = await request(app)
          .post(`/api/v1/events?format=${format}`)
          .type('application/json')
          .send(body);
        expect(res.status).toBe(400);
        expect(res.body.error).toContain('must be a JSON array of');
        expect(res.body.errors).toEqual([{ index: -1, path: '', message: expect.any(String) }]);
      }
      expect(await quads()).toBe(before);
    },
  );

  it.each(['null', '"x"', '42'])('%s to /api/v1/lineage (OpenLineage) is a 400 too', async (body) => {
    const res = await request(app).post('/api/v1/lineage').type('application/json').send(body);
    expect(res.status).toBe(400);
  });

  it('an NDJSON line null is a 400 naming that event', async () => {
    const res = await request(app).post('/api/v1/events').type('application/x-ndjson').send('null\n');
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { index: 0, line: 1, path: '', message: 'must be an object (a capture event)' },
    ]);
  });

  it('an evaluation whose value is "low" is a 400 naming /value', async () => {
    const event = {
      type: 'evaluation',
      schema: 'provml/1',
      id: 'eval-low',
      time: '2024-05-01T10:35:00Z',
      workflowExecutionId: 'input-validation',
      measure: 'accuracy',
      value: 'low',
    };
    const before = await quads();
    const res = await request(app).post('/api/v1/events').type('application/json').send([event]);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([
      { index: 0, path: '/value', message: expect.stringContaining('number') },
    ]);
    expect(res.body.error).toContain('at /value');
    expect(await quads()).toBe(before);
  });
});

describe('catalog query requests name what they cannot use', () => {
  const NAME = '/api/v1/queries/measure-per-epoch';
  const run = `${ID}wfexec/train-2/task/fit`;

  it.each([
    ['format=xml', { measure: 'loss', format: 'xml' }, 'URL parameter "format" is "xml"'],
    ['format given twice', 'measure=loss&format=json&format=csv', '"format" was given 2 times'],
    ['sources= in the URL', { measure: 'loss', sources: 'x' }, 'URL parameter "sources"'],
  ])('GET with %s is a 400', async (_case, query, message) => {
    const res = await request(app).get(NAME).query(query);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
  });

  it.each([
    ['"sources": "x"', { params: { measure: 'loss' }, sources: 'x' }, 'Field "sources"'],
    ['"sources": [1]', { params: { measure: 'loss' }, sources: [1] }, 'Field "sources"'],
    ['"format": "xml"', { params: { measure: 'loss' }, format: 'xml' }, 'Field "format" is "xml"'],
    ['"format": 5', { params: { measure: 'loss' }, format: 5 }, 'Field "format" is 5'],
    ['"params": "x"', { params: 'measure=loss' }, 'Field "params"'],
    ['a stray key beside params', { params: { measure: 'loss' }, limit: 3 }, 'Field "limit"'],
    ['"source" (singular)', { measure: 'loss', source: 'http://127.0.0.1:9/sparql' }, 'Field "source"'],
    ['a parameter of the wrong type', { params: { measure: { a: 1 } } }, 'Parameter "measure"'],
  ])('POST with %s is a 400 naming it', async (_case, body, message) => {
    const res = await request(app).post(NAME).send(body);
    expect(res.status).toBe(400);
    expect(res.text).toContain(message);
  });

  it('POST with a JSON array or string body is a 400', async () => {
    expect((await request(app).post(NAME).send([1])).status).toBe(400);
    expect((await request(app).post(NAME).type('application/json').send('"loss"')).status).toBe(400);
  });

  it('a format in the URL and another in the body is a 400; the same in both is fine', async () => {
    const clash = await request(app)
      .post(`${NAME}?format=csv`)
      .send({ params: { measure: 'loss', run }, format: 'json' });
    expect(clash.status).toBe(400);
    expect(clash.text).toContain('"format" is csv in the URL but json in the body');
    const same = await request(app)
      .post(`${NAME}?format=csv`)
      .send({ params: { measure: 'loss', run }, format: 'csv' });
    expect(same.status).toBe(200);
    expect(same.type).toBe('text/csv');
  });

  it('still runs the valid shapes: flat body, params with format, URL parameters', async () => {
    const flat = await request(app).post(NAME).send({ measure: 'loss', run, format: 'json' });
    expect(flat.status).toBe(200);
    expect(flat.body.results.bindings).toHaveLength(2);
    const nested = await request(app)
      .post(NAME)
      .send({ params: { measure: 'loss', run }, sources: [], format: 'csv' });
    expect(nested.status).toBe(200);
    expect(nested.text.split('\r\n').length).toBeGreaterThan(2);
    const url = await request(app).get(NAME).query({ measure: 'loss', run, format: 'json' });
    expect(url.status).toBe(200);
  });
});
