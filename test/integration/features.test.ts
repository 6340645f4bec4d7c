import { readFileSync } from 'node:fs';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { packageCatalog, runCatalogQuery } from '../../src/query/index.ts';
import { createApp } from '../../src/server/app.ts';
import { dumpText, openMemoryStore, type ProvStore } from '../../src/store/index.ts';
import { ID, LIFECYCLE_EVENTS, lifecycleStore } from '../query/support/lifecycle.ts';
import { allBackends } from '../support/backends.ts';
import { emptyStore } from '../support/test-store.ts';

// Every provml feature on every store backend, through the HTTP API: capture, the query catalog, export and
// data validation. Answers are compared with the in-memory reference store fed the same events.

const EVENTS = JSON.parse(readFileSync(LIFECYCLE_EVENTS, 'utf8')) as unknown[];
const TRAIN_1 = 'https://w3id.org/provml/graph/wfexec/train-1';

const CASES: Array<[string, Record<string, string | string[]>]> = [
  ['model-lineage', { model: `${ID}data/unet-a` }],
  ['models-from-raw-data', { raw: `${ID}data/raw%2Ff3.segy` }],
  ['failed-tasks', {}],
  ['running-tasks', {}],
  ['measure-per-epoch', { measure: 'loss' }],
  ['learning-data-characteristics', { model: `${ID}data/unet-a` }],
];

type Json = { results: { bindings: Array<Record<string, { value: string; datatype?: string }>> } };

/** Rows as sorted strings; numbers compared by value, since engines print doubles differently. */
function canonicalRows(bindings: Json['results']['bindings']): string[] {
  return bindings
    .map((row) =>
      Object.keys(row)
        .sort()
        .map((name) => {
          const term = row[name];
          const numeric = term?.datatype && /#(double|decimal|float)$/.test(term.datatype);
          return `${name}=${numeric ? Number(term?.value) : term?.value}`;
        })
        .join(' '),
    )
    .sort();
}

describe.each(allBackends())('features on the $name', (backend) => {
  let store: ProvStore;
  let reference: ProvStore;
  let app: ReturnType<typeof createApp>;

  beforeAll(async () => {
    store = await backend.open();
    await emptyStore(store);
    reference = await lifecycleStore(await openMemoryStore());
    const config = loadConfig({ flags: { dataDir: '/nonexistent-test-data' } });
    app = createApp({ store, config, logger: silentLogger() });
  }, 120_000);
  afterAll(() => backend.teardown(), 60_000);

  it('ingests capture events (202 once durable), idempotently', async () => {
    const first = await request(app).post('/api/v1/events').send(EVENTS).expect(202);
    expect(first.body.events).toBe(EVENTS.length);
    const before = (await store.stats()).quads;
    await request(app).post('/api/v1/events').send(EVENTS).expect(202);
    expect((await store.stats()).quads).toBe(before);
  });

  it.each(CASES)('catalog query %s answers like the reference store', async (name, params) => {
    const entry = (await packageCatalog()).get(name);
    const expected = await runCatalogQuery(reference, entry, params);
    const res = await request(app)
      .post(`/api/v1/queries/${name}`)
      .set('Accept', 'application/sparql-results+json')
      .send(params)
      .expect(200);
    const got = canonicalRows((JSON.parse(res.text) as Json).results.bindings);
    const want = canonicalRows(
      expected.rows.map((row) =>
        Object.fromEntries(
          Object.entries(row).map(([k, t]) => [
            k,
            { value: t.value, ...(t.termType === 'Literal' ? { datatype: t.datatype.value } : {}) },
          ]),
        ),
      ),
    );
    expect(want.length).toBeGreaterThan(0);
    expect(got).toEqual(want);
  });

  it('exports a workflow execution graph that re-imports to the same quads', async () => {
    const res = await request(app)
      .get('/api/v1/export')
      .query({ graph: TRAIN_1, format: 'nquads' })
      .expect(200);
    const imported = await openMemoryStore();
    await imported.load(res.text, { format: 'application/n-quads' });
    // The captured graph itself (with its event records), not the reference fed translated quads only.
    const original = await dumpText(
      store.dump({ format: 'application/n-quads', graph: { termType: 'NamedNode', value: TRAIN_1 } }),
    );
    expect((await imported.stats()).quads).toBe(original.split('\n').filter((l) => l.trim() !== '').length);
  });

  it('validates a captured graph against the shapes', async () => {
    const res = await request(app).post('/api/v1/validate/data').query({ graph: TRAIN_1 }).expect(200);
    expect(res.body.conforms).toBe(true);
  });
});
