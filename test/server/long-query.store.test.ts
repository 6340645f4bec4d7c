import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logger.ts';
import { openDurableStore } from '../../src/store/index.ts';
import { appOver, testConfig } from './fixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'provml-long-query-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Four-way cross product of 2,000 triples: far more work than any time limit below allows.
const ENDLESS = 'SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }';

describe('a query over its time limit on the durable store', () => {
  it('is answered 503 while /health keeps answering, and the server serves on', async () => {
    const store = await openDurableStore({ dir, queryTimeoutMs: 1500, logger: silentLogger() });
    try {
      const triples = Array.from({ length: 2000 }, (_, i) => `<http://e/s${i}> <http://e/p> "${i}" .`).join(
        '\n',
      );
      await store.load(triples, { format: 'application/n-triples' });
      const app = appOver(store, testConfig({ queryTimeoutMs: 1500 }));

      const finished: string[] = [];
      const long = request(app)
        .get('/sparql')
        .query({ query: ENDLESS })
        .then((res) => {
          finished.push('query');
          return res;
        });
      const health = await request(app).get('/health');
      finished.push('health');
      expect(health.status).toBe(200);
      expect(['ok', 'busy']).toContain(health.body.status);

      const timedOut = await long;
      expect(finished).toEqual(['health', 'query']);
      expect(timedOut.status).toBe(503);
      expect(timedOut.text).toMatch(/time limit of 1500 ms/);

      const after = await request(app)
        .get('/sparql')
        .query({ query: 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' });
      expect(after.status).toBe(200);
      expect(after.body.results.bindings[0].n.value).toBe('2000');
    } finally {
      await store.close();
    }
  });
});
