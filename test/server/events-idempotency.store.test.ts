import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { askBoolean, dumpText, selectRows } from '../../src/store/index.ts';
import { evaluationIri, workflowExecutionGraph } from '../../src/translate/index.ts';
import { ONLINE_STATE_GRAPH } from '../../src/vocab.ts';
import { openTestStore } from '../support/test-store.ts';
import { settledThrough } from './fixture.ts';

// Idempotent capture: the same event again changes nothing; the same id with other content is a 409 naming the
// id (nothing written, the batch refused whole) unless onConflict=replace, which leaves only the new values.

const lifecycle: Array<Record<string, unknown>> = readFileSync(
  join(import.meta.dirname, '../fixtures/ingest/lifecycle.ndjson'),
  'utf8',
)
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));
const flowcept: Array<Record<string, unknown>> = JSON.parse(
  readFileSync(join(import.meta.dirname, '../fixtures/events/flowcept-messages.json'), 'utf8'),
);

const PROV_VALUE = 'http://www.w3.org/ns/prov#value';
const RUN = 'idem-run';

let store: ProvStore;
let app: ReturnType<typeof createApp>;

beforeEach(async () => {
  store = await openTestStore();
  app = createApp({ store, config: defaultConfig(), logger: silentLogger() });
});

afterEach(async () => {
  await store.close();
});

const post = (events: unknown[], query = '') =>
  request(app).post(`/api/v1/events${query}`).type('application/json').send(JSON.stringify(events));
const postNdjson = (events: unknown[]) =>
  request(app)
    .post('/api/v1/events')
    .type('application/x-ndjson')
    .send(`${events.map((e) => JSON.stringify(e)).join('\n')}\n`);

/** Through the server's Graph Store, as any other writer would. */
/** The online-state graph is derived from the others: dropping them empties it (and dropping it rebuilds it). */
async function dropAllGraphs(): Promise<void> {
  for (const graph of await store.listGraphs())
    if (graph !== ONLINE_STATE_GRAPH) await request(app).delete('/store').query({ graph }).expect(204);
}

/** Every quad, sorted: "store unchanged" means this is equal before and after. */
async function snapshot(): Promise<string[]> {
  await settledThrough(app);
  const dump = await dumpText(store.dump({ format: 'application/n-quads' }));
  return dump
    .split('\n')
    .filter((line) => line !== '')
    .sort();
}

function evaluation(id: string, value: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'evaluation',
    schema: 'provml/1',
    id,
    time: '2024-05-01T10:00:00.000Z',
    workflowExecutionId: RUN,
    measure: 'accuracy',
    value,
    modelId: 'idem-model',
    ...extra,
  };
}

async function valuesOf(eventId: string): Promise<string[]> {
  const result = await selectRows(
    store,
    `SELECT ?v WHERE { GRAPH <${workflowExecutionGraph(RUN)}> { <${evaluationIri(RUN, eventId)}> <${PROV_VALUE}> ?v } }`,
  );
  return result.rows.map((row) => row.v?.value ?? '').sort();
}

describe('POST /api/v1/events is idempotent per event id', () => {
  it('the same events again: 202, nothing written, the store unchanged', async () => {
    const first = await post(lifecycle);
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ recorded: lifecycle.length, unchanged: 0 });
    const before = await snapshot();
    const again = await postNdjson(lifecycle);
    expect(again.status).toBe(202);
    expect(again.body).toMatchObject({
      events: lifecycle.length,
      recorded: 0,
      unchanged: lifecycle.length,
      triples: 0,
    });
    expect(await snapshot()).toEqual(before);
  });

  it('the same event re-serialized (other key order, another spelling of the same time) is the same event', async () => {
    expect((await post([evaluation('e1', 0.5)])).status).toBe(202);
    const before = await snapshot();
    const reordered = Object.fromEntries(Object.entries(evaluation('e1', 0.5)).reverse());
    reordered.time = '2024-05-01T10:00:00Z';
    const res = await post([reordered]);
    expect(res.status).toBe(202);
    expect(res.body.unchanged).toBe(1);
    expect(await snapshot()).toEqual(before);
  });

  it('the same id with different content: 409 naming the id and the field, the store unchanged', async () => {
    expect((await post([evaluation('e1', 0.5)])).status).toBe(202);
    const before = await snapshot();
    const res = await post([evaluation('e1', 0.9)]);
    expect(res.status).toBe(409);
    expect(res.body.error).toContain("'e1'");
    expect(res.body.errors).toEqual([
      expect.objectContaining({ index: 0, id: 'e1', workflowExecutionId: RUN, path: '/value' }),
    ]);
    expect(res.body.errors[0].message).toContain('0.5 recorded, 0.9 sent');
    expect(await snapshot()).toEqual(before);
    expect(await valuesOf('e1')).toEqual(['0.5']);
  });

  it('a batch with one conflicting event is refused whole: the new events in it are not written either', async () => {
    expect((await post([evaluation('e1', 0.5)])).status).toBe(202);
    const before = await snapshot();
    const res = await postNdjson([evaluation('e2', 0.6), evaluation('e3', 0.7), evaluation('e1', 0.8)]);
    expect(res.status).toBe(409);
    expect(res.body.errors).toEqual([expect.objectContaining({ index: 2, line: 3, id: 'e1' })]);
    expect(await snapshot()).toEqual(before);
  });

  it('one id twice in a batch with different content is a 409; twice with the same content is fine', async () => {
    const twice = await post([evaluation('e1', 0.5), evaluation('e1', 0.6)]);
    expect(twice.status).toBe(409);
    expect(twice.body.errors).toEqual([expect.objectContaining({ index: 1, id: 'e1', path: '/value' })]);
    expect((await store.stats()).quads).toBe(0);
    const same = await post([evaluation('e1', 0.5), evaluation('e1', 0.5)]);
    expect(same.status).toBe(202);
    expect(same.body).toMatchObject({ events: 2, recorded: 1 });
  });

  it('onConflict=replace leaves only the new version: old values removed, what other events say kept', async () => {
    const shared = { datasetId: 'idem-data' };
    expect((await post([evaluation('e1', 0.5, shared), evaluation('e2', 0.7, shared)])).status).toBe(202);
    const res = await post([evaluation('e1', 0.9)], '?onConflict=replace');
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ replaced: 1, recorded: 0 });
    expect(res.body.removed).toBeGreaterThan(0);
    expect(await valuesOf('e1')).toEqual(['0.9']);
    // e1 no longer names the dataset, e2 still does: the dataset's own quads stay, e1's link to it goes.
    const evaluatedOn = (id: string) =>
      askBoolean(
        store,
        `ASK { GRAPH <${workflowExecutionGraph(RUN)}> { <${evaluationIri(RUN, id)}> <https://w3id.org/provml#evaluatedOn> ?d . ?d a ?t } }`,
      );
    expect(await evaluatedOn('e1')).toBe(false);
    expect(await evaluatedOn('e2')).toBe(true);
    // The replacement is now the event: sending it again is harmless, sending the old one is the conflict.
    const before = await snapshot();
    expect((await post([evaluation('e1', 0.9)])).status).toBe(202);
    expect((await post([evaluation('e1', 0.5, shared)])).status).toBe(409);
    expect(await snapshot()).toEqual(before);
  });

  it('replacing gives the store the same quads as if only the new version had ever been sent', async () => {
    const started = lifecycle.slice(0, 3);
    const ended = { ...lifecycle[3], generated: { other: 42 } } as Record<string, unknown>;
    expect((await post([...started, lifecycle[3]])).status).toBe(202);
    expect((await post([ended], '?onConflict=replace')).status).toBe(202);
    const replaced = await snapshot();
    await dropAllGraphs();
    expect((await post([...started, ended])).status).toBe(202);
    expect(await snapshot()).toEqual(replaced);
  });

  it('concurrent posts of two versions of one id: exactly one is recorded, the other gets 409', async () => {
    const answers = await Promise.all([post([evaluation('e1', 0.1)]), post([evaluation('e1', 0.2)])]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
    expect((await valuesOf('e1')).length).toBe(1);
  });

  it('events of one execution in any order give the same store', async () => {
    expect((await post([...lifecycle].reverse())).status).toBe(202);
    const reversed = await snapshot();
    await dropAllGraphs();
    expect((await post(lifecycle)).status).toBe(202);
    expect(await snapshot()).toEqual(reversed);
  });

  it('a dropped execution graph forgets its events: sending them again records them again', async () => {
    expect((await post([evaluation('e0', 0.5)])).status).toBe(202);
    // CLEAR, not DROP: Virtuoso refuses DROP GRAPH for a graph it created implicitly (by inserting into it).
    await request(app)
      .post('/sparql')
      .type('application/sparql-update')
      .send(`CLEAR GRAPH <${workflowExecutionGraph(RUN)}>`)
      .expect(204);
    expect((await post([evaluation('e0', 0.9)])).status).toBe(202);
    expect(await valuesOf('e0')).toEqual(['0.9']);
    expect((await post([evaluation('e1', 0.5)])).status).toBe(202);
    await request(app)
      .delete('/store')
      .query({ graph: workflowExecutionGraph(RUN) })
      .expect(204);
    const res = await post([evaluation('e1', 0.9)]);
    expect(res.status).toBe(202);
    expect(await valuesOf('e1')).toEqual(['0.9']);
  });

  it('Flowcept: a task RUNNING then FINISHED, each message twice, is fine and changes nothing the second time', async () => {
    const finished = flowcept.find((m) => m.status === 'FINISHED') as Record<string, unknown>;
    const running: Record<string, unknown> = { ...finished, status: 'RUNNING' };
    for (const field of ['ended_at', 'generated', 'stdout', 'telemetry_at_end']) delete running[field];
    expect((await post([running], '?format=flowcept')).status).toBe(202);
    const res = await post([finished], '?format=flowcept');
    expect(res.status).toBe(202);
    expect(res.body.unchanged).toBe(0);
    const before = await snapshot();
    const again = await post([running, finished], '?format=flowcept');
    expect(again.status).toBe(202);
    expect(again.body.recorded).toBe(0);
    expect(await snapshot()).toEqual(before);
  });

  it('answers 400 to an unknown onConflict', async () => {
    const res = await post([evaluation('e1', 0.5)], '?onConflict=merge');
    expect(res.status).toBe(400);
    expect(res.text).toContain('onConflict');
  });
});
