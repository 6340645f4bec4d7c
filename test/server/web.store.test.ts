import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProvStore } from '../../src/store/index.ts';
import { ID, lifecycleStore } from '../query/support/lifecycle.ts';
import { appOver, testConfig, text } from './fixture.ts';

// The web page's HTTP side: the pages and hashed assets, the editor hook on GET /sparql, and the read
// endpoints the views use (/api/v1/runs, /api/v1/lineage, /api/v1/queries/:name/text).

let store: ProvStore;
let app: ReturnType<typeof appOver>;
beforeAll(async () => {
  store = await lifecycleStore();
  app = appOver(store, testConfig());
});
afterAll(() => store.close());

const BROWSER_ACCEPT = 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8';

describe('the page and its assets', () => {
  it('serves / as uncached HTML linking hashed, immutable assets of the right types', async () => {
    const page = await request(app).get('/').expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    const assets = [...page.text.matchAll(/\/assets\/([\w.-]+)/g)].map((m) => m[1] ?? '');
    expect(assets).toEqual([
      expect.stringMatching(/^app-[0-9a-f]{12}\.css$/),
      expect.stringMatching(/^app-[0-9a-f]{12}\.js$/),
    ]);
    const js = await request(app).get(`/assets/${assets[1]}`).expect(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    const css = await request(app).get(`/assets/${assets[0]}`).expect(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.text).toContain('.uplot');
    await request(app).get('/assets/app-000000000000.js').expect(404);
  });

  it('links nothing outside the server: no http(s) script or stylesheet in the pages', async () => {
    for (const path of ['/', '/sparql']) {
      const page = await request(app).get(path).set('Accept', BROWSER_ACCEPT).expect(200);
      expect(page.text).not.toMatch(/(src|href)="(https?:)?\/\//);
    }
  });
});

describe('GET /sparql: the editor for browsers, the protocol for everything else', () => {
  it("gives a browser's plain GET the Yasgui page", async () => {
    const page = await request(app).get('/sparql').set('Accept', BROWSER_ACCEPT).expect(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.text).toMatch(/\/assets\/yasgui-[0-9a-f]{12}\.js/);
  });

  it('keeps queries, service-description requests and non-HTML clients on the protocol', async () => {
    const query = encodeURIComponent('SELECT * WHERE { ?s ?p ?o } LIMIT 1');
    const answered = await request(app).get(`/sparql?query=${query}`).set('Accept', BROWSER_ACCEPT);
    expect(answered.headers['content-type']).not.toMatch(/text\/html/);
    const described = await request(app).get('/sparql').set('Accept', '*/*').expect(200);
    expect(described.headers['content-type']).not.toMatch(/text\/html/);
    const turtleFirst = await request(app).get('/sparql').set('Accept', 'text/turtle, text/html').expect(200);
    expect(turtleFirst.headers['content-type']).toMatch(/text\/turtle/);
  });
});

describe('GET /api/v1/runs', () => {
  it('pages, sorts and counts on the server, with each run’s hyperparameters and final metrics', async () => {
    const first = await request(app).get('/api/v1/runs?limit=2&sort=execution&order=asc').expect(200);
    expect(first.body.total).toBe(6);
    expect(first.body.runs.map((r: { execution: string }) => r.execution)).toEqual([
      `${ID}wfexec/cur-1`,
      `${ID}wfexec/prep-1`,
    ]);
    const last = await request(app).get('/api/v1/runs?offset=4&limit=2&sort=execution&order=asc').expect(200);
    expect(last.body.runs.map((r: { execution: string }) => r.execution)).toEqual([
      `${ID}wfexec/train-2`,
      `${ID}wfexec/train-3`,
    ]);
    expect(last.body.runs[0]).toMatchObject({
      status: 'finished',
      hyperparameters: { learning_rate: '0.01', batch_size: '32' },
      metrics: { 'accuracy (evaluation)': '0.86', 'loss (evaluation)': '0.35' },
    });
    expect(last.body.runs[1].status).toBe('running');
  });

  it('filters by status, experiment and text', async () => {
    const failed = await request(app).get('/api/v1/runs?status=failed').expect(200);
    expect(failed.body).toMatchObject({ total: 1, runs: [{ execution: `${ID}wfexec/prep-2` }] });
    const experiment = await request(app)
      .get(`/api/v1/runs?experiment=${encodeURIComponent(`${ID}experiment/exp-facies`)}&text=train-3`)
      .expect(200);
    expect(experiment.body.total).toBe(1);
  });

  it('refuses a sort column the query does not have, and bad paging, with 400s', async () => {
    const sort = await request(app)
      .get(`/api/v1/runs?sort=${encodeURIComponent('?x } DROP ALL {')}`)
      .expect(400);
    expect(sort.body.message ?? sort.text).toMatch(/not a column/);
    await request(app).get('/api/v1/runs?limit=-1').expect(400);
    await request(app).get('/api/v1/runs?order=sideways').expect(400);
    await request(app).get('/api/v1/runs?experiment=not-an-iri').expect(400);
  });
});

describe('GET /api/v1/lineage', () => {
  const model = encodeURIComponent(`${ID}data/unet-a`);
  it('answers nodes and edges as JSON', async () => {
    const res = await request(app)
      .get(`/api/v1/lineage?model=${model}`)
      .set('Accept', 'application/json')
      .expect(200);
    expect(res.body.model).toBe(`${ID}data/unet-a`);
    const ids = res.body.nodes.map((n: { id: string }) => n.id);
    expect(ids).toEqual(
      expect.arrayContaining([`${ID}data/unet-a`, `${ID}data/f3-cube`, `${ID}data/raw%2Ff3.segy`]),
    );
    for (const edge of res.body.edges) {
      expect(ids).toContain(edge.source);
      expect(ids).toContain(edge.target);
    }
  });

  it('answers a standalone SVG picture, laid out left to right (raw data left of the model)', async () => {
    const res = await request(app)
      .get(`/api/v1/lineage?model=${model}`)
      .set('Accept', 'image/svg+xml')
      .buffer(true)
      .parse(text)
      .expect(200);
    expect(res.headers['content-type']).toBe('image/svg+xml; charset=utf-8');
    const svg = res.body as string;
    expect(svg).toMatch(/^<\?xml[^>]*>\n<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).not.toMatch(/href="http/);
    const x = (id: string): number =>
      Number(new RegExp(`data-id="${id.replace(/[.%]/g, '\\$&')}"[^>]*translate\\(([\\d.]+)`).exec(svg)?.[1]);
    expect(x(`${ID}data/raw%2Ff3.segy`)).toBeLessThan(x(`${ID}data/f3-cube`));
    expect(x(`${ID}data/f3-cube`)).toBeLessThan(x(`${ID}data/tiles-train`));
    expect(x(`${ID}data/tiles-train`)).toBeLessThan(x(`${ID}data/unet-a`));
  });

  it('is a 400 without a model IRI, a 404 for an unknown model, a 406 for an unknown type', async () => {
    await request(app).get('/api/v1/lineage').expect(400);
    await request(app)
      .get(`/api/v1/lineage?model=${encodeURIComponent(`${ID}data/nothing`)}`)
      .expect(404);
    await request(app).get(`/api/v1/lineage?model=${model}`).set('Accept', 'text/csv').expect(406);
  });
});

describe('GET /api/v1/queries/:name/text', () => {
  it('gives the catalog query with its parameters bound as terms, for the editor', async () => {
    const res = await request(app)
      .get('/api/v1/queries/measure-per-epoch/text?measure=loss&stage=')
      .buffer(true)
      .parse(text)
      .expect(200);
    expect(res.body).toContain('VALUES (?measure) { ("loss") }');
    await request(app).get('/api/v1/queries/model-lineage/text?model=not-an-iri').expect(400);
  });
});
