import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryStore } from '../../src/store/index.ts';
import { type RunningEndpoint, startEndpoint } from '../query/support/endpoint.ts';
import { EX, seededApp, type TestApp } from './fixture.ts';

// A SERVICE clause sent to /sparql is answered by federation (Comunica), joining the local store
// with a second endpoint started on 127.0.0.1 by the test.
describe('/sparql with SERVICE', () => {
  let remote: RunningEndpoint;
  let local: TestApp;

  beforeAll(async () => {
    const remoteStore = await openMemoryStore();
    await remoteStore.update(`INSERT DATA { <${EX}a> <${EX}label> "remote label of a" }`);
    remote = await startEndpoint(remoteStore);
    local = await seededApp();
  });
  afterAll(async () => remote.close());

  const joinQuery = () => `SELECT ?s ?v ?label WHERE {
    ?s <${EX}p> ?v .
    SERVICE <${remote.url}> { ?s <${EX}label> ?label }
  }`;

  it('joins local data with the remote endpoint', async () => {
    const res = await request(local.app)
      .get('/sparql')
      .query({ query: joinQuery() })
      .set('Accept', 'application/sparql-results+json')
      .expect(200);
    const body = JSON.parse(res.text) as { results: { bindings: Array<Record<string, { value: string }>> } };
    expect(body.results.bindings.map((b) => [b.s?.value, b.v?.value, b.label?.value])).toEqual([
      [`${EX}a`, 'in g1', 'remote label of a'],
    ]);
    expect(remote.requests()).toBeGreaterThan(0);
  });

  it('needs write access, as the server itself fetches the named endpoint', async () => {
    const guarded = await seededApp({ token: 'secret-token' });
    await request(guarded.app).get('/sparql').query({ query: joinQuery() }).expect(401);
  });
});
