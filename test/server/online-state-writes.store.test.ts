// The online state (src/store/online-state.ts) follows every write path, not only the events endpoint: Graph Store
// PUT / POST / DELETE, SPARQL UPDATE and POST /api/v1/import may add or remove any fact, and the markers must
// then say what the facts say.
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { validateBatch } from '../../src/capture/index.ts';
import { quadsToNQuads } from '../../src/rdf/index.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { selectRows } from '../../src/store/index.ts';
import { translate } from '../../src/translate/index.ts';
import { openTestStore } from '../support/test-store.ts';
import { trainingRun } from '../support/training-run.ts';
import { appOver, settledThrough, testConfig } from './fixture.ts';

const { id: ID, run: RUN, events, running: RUNNING_BOTH, latest: LATEST } = trainingRun('ow', 'w', 2);
const GRAPH = 'https://w3id.org/provml/graph/wfexec/ow';
const STATE = 'https://w3id.org/provml/state#';

function facts(): { nquads: string; ntriples: string } {
  const checked = validateBatch(events);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const quads = translate(checked.events);
  const triples = quads.map((quad) => ({ ...quad, graph: { termType: 'DefaultGraph', value: '' } as const }));
  return { nquads: quadsToNQuads(quads), ntriples: quadsToNQuads(triples) };
}

const END = `<${RUN}> <http://www.w3.org/ns/prov#endedAtTime> "2024-01-01T01:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>`;

async function markers(store: ProvStore): Promise<string[]> {
  await settledThrough(app);
  const result = await selectRows(
    store,
    'SELECT ?s ?p ?o WHERE { GRAPH <https://w3id.org/provml/graph/online-state> { ?s ?p ?o } }',
  );
  return result.rows.map((row) => `${row.s?.value} ${row.p?.value} ${row.o?.value}`).sort();
}

let store: ProvStore;
let app: ReturnType<typeof appOver>;
beforeEach(async () => {
  store = await openTestStore();
  app = appOver(store, testConfig());
});
const at = `/store?graph=${encodeURIComponent(GRAPH)}`;

describe('the online state after writes that are not capture events', () => {
  it('Graph Store PUT, DELETE and POST', async () => {
    const { ntriples } = facts();
    await request(app).put(at).type('application/n-triples').send(ntriples).expect(201);
    expect(await markers(store)).toEqual([...LATEST, ...RUNNING_BOTH].sort());
    await request(app).delete(at).expect(204);
    expect(await markers(store)).toEqual([]);
    await request(app).post(at).type('application/n-triples').send(ntriples).expect(201);
    expect(await markers(store)).toEqual([...LATEST, ...RUNNING_BOTH].sort());
  });

  it('SPARQL UPDATE that adds and removes facts', async () => {
    const { ntriples } = facts();
    await request(app).put(at).type('application/n-triples').send(ntriples).expect(201);
    await request(app)
      .post('/sparql')
      .type('application/sparql-update')
      .send(`INSERT DATA { GRAPH <${GRAPH}> { ${END} } }`)
      .expect(204);
    expect(await markers(store), 'the training ended: not running, no latest value').toEqual([
      RUNNING_BOTH[0],
    ]);
    await request(app)
      .post('/sparql')
      .type('application/sparql-update')
      .send(`DELETE DATA { GRAPH <${GRAPH}> { ${END} } }`)
      .expect(204);
    expect(await markers(store), 'its end removed: running again').toEqual(
      [...LATEST, ...RUNNING_BOTH].sort(),
    );
  });

  it('an event replaced (onConflict=replace) leaves the run it moved away from', async () => {
    const other = { ...events[1], id: 'w-3', taskId: 'other', name: 'other' };
    const post = (body: object[], query = '') =>
      request(app).post(`/api/v1/events${query}`).type('application/json').send(body).expect(202);
    await post([...events, other]);
    const OTHER = `${ID}/task/other`;
    expect(await markers(store)).toContain(`${ID}/evaluation/e2 ${STATE}latestOf ${RUN}`);
    await post([{ ...(events[3] as object), taskId: 'other' }], '?onConflict=replace');
    expect((await markers(store)).filter((marker) => marker.includes('latestOf'))).toEqual([
      `${ID}/evaluation/e1 ${STATE}latestOf ${RUN}`,
      `${ID}/evaluation/e2 ${STATE}latestOf ${OTHER}`,
    ]);
  });

  it('a Graph Store POST refreshes the keys of its data only: no rebuild over every fact', async () => {
    // A marker no fact supports, written beside the state: a rebuild would remove it, a keyed refresh leaves it.
    const stray = `urn:provml:test:stray ${STATE}running ${STATE}now`;
    await store.insert([
      {
        subject: { termType: 'NamedNode', value: 'urn:provml:test:stray' },
        predicate: { termType: 'NamedNode', value: `${STATE}running` },
        object: { termType: 'NamedNode', value: `${STATE}now` },
        graph: { termType: 'NamedNode', value: 'https://w3id.org/provml/graph/online-state' },
      },
    ]);
    const { ntriples } = facts();
    await request(app).post(at).type('application/n-triples').send(ntriples).expect(201);
    expect(await markers(store)).toEqual([...LATEST, ...RUNNING_BOTH, stray].sort());
    await request(app).delete(at).expect(204);
    expect(await markers(store), 'a DELETE still rebuilds').toEqual([]);
  });

  it('POST /api/v1/import', async () => {
    const { nquads } = facts();
    await request(app).post('/api/v1/import').type('application/n-quads').send(nquads).expect(200);
    expect(await markers(store)).toEqual([...LATEST, ...RUNNING_BOTH].sort());
  });
});
