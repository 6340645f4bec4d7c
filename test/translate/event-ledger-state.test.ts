// A batch is acknowledged once its facts are durable; the online state is refreshed after. These tests hold the
// two promises that make that honest: reads through the ledger's store see the state of every acknowledged batch,
// and a refresh that never happened (a failed round, a crash: here a ledger whose refresh writes all fail, then a
// new ledger over the same store, as after a restart) is redone from the pending markers the batch carried.
import { describe, expect, it } from 'vitest';
import { type CaptureEvent, validateBatch } from '../../src/capture/index.ts';
import { askBoolean, openMemoryStore, type ProvStore, selectRows } from '../../src/store/index.ts';
import { createEventLedger } from '../../src/translate/index.ts';
import { ONLINE_STATE_GRAPH, STATE_NS } from '../../src/vocab.ts';

const ID = 'https://w3id.org/provml/id/wfexec/ls';
const RUN = `${ID}/task/fit`;
const base = { schema: 'provml/1', workflowExecutionId: 'ls' } as const;

function events(): CaptureEvent[] {
  const checked = validateBatch([
    { ...base, type: 'workflow.started', id: 'l-1', time: '2024-01-01T00:00:00Z', name: 'w' },
    {
      ...base,
      type: 'task.started',
      id: 'l-2',
      time: '2024-01-01T00:00:01Z',
      taskId: 'fit',
      name: 'fit',
      stage: 'training',
    },
    ...[1, 2].map((index) => ({
      ...base,
      type: 'evaluation',
      id: `e${index}`,
      time: `2024-01-01T00:00:0${index + 1}Z`,
      taskId: 'fit',
      measure: 'loss',
      value: 1 / index,
      section: { kind: 'epoch', index },
    })),
  ]);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.events;
}

const STATE = [
  `${ID} ${STATE_NS}running ${STATE_NS}now`,
  `${ID}/evaluation/e2 ${STATE_NS}latestOf ${RUN}`,
  `${RUN} ${STATE_NS}running ${STATE_NS}now`,
].sort();

/** Every triple of the state graph, pending markers included. */
async function stateGraph(store: ProvStore): Promise<string[]> {
  const result = await selectRows(
    store,
    `SELECT ?s ?p ?o WHERE { GRAPH <${ONLINE_STATE_GRAPH}> { ?s ?p ?o } }`,
  );
  return result.rows.map((row) => `${row.s?.value} ${row.p?.value} ${row.o?.value}`).sort();
}

const pending = (triples: string[]): string[] => triples.filter((t) => t.includes(`${STATE_NS}pending`));

/** The store, with every SPARQL update (the refresh's one write) failing while `failing.on`. */
function failingUpdates(store: ProvStore, failing: { on: boolean }): ProvStore {
  return new Proxy(store, {
    get(target, property) {
      if (property === 'update' && failing.on) return () => Promise.reject(new Error('disk full'));
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

describe('the online state of acknowledged batches', () => {
  it('reads through the ledger see the state of a batch as soon as record() resolves; no pending marker stays', async () => {
    const store = await openMemoryStore();
    const ledger = createEventLedger(store);
    const outcome = await ledger.record(events());
    expect(outcome).toMatchObject({ ok: true, recorded: 4 });
    expect(await stateGraph(ledger.reportingStore())).toEqual(STATE);
    expect(pending(await stateGraph(store))).toEqual([]);
  });

  it('a batch carries pending markers naming its keys, written with its facts', async () => {
    const store = await openMemoryStore();
    const failing = { on: true };
    await createEventLedger(failingUpdates(store, failing)).record(events());
    const markers = pending(await stateGraph(store));
    expect(markers.length).toBeGreaterThan(0);
    expect(markers.some((t) => t.endsWith(`${ID}/evaluation/e2`))).toBe(true);
    expect(markers.some((t) => t.endsWith(RUN))).toBe(true);
  });

  it('a failed refresh is redone by the next read; the read fails while it cannot be', async () => {
    const store = await openMemoryStore();
    const failing = { on: true };
    const ledger = createEventLedger(failingUpdates(store, failing));
    expect(await ledger.record(events())).toMatchObject({ ok: true, recorded: 4 });
    await expect(askBoolean(ledger.reportingStore(), 'ASK {}')).rejects.toThrow('disk full');
    expect(await stateGraph(store)).not.toEqual(STATE);
    failing.on = false;
    expect(await stateGraph(ledger.reportingStore())).toEqual(STATE);
  });

  it('a refresh cut short (no round ever wrote it) is redone by a new ledger over the same store', async () => {
    const store = await openMemoryStore();
    const failing = { on: true };
    await createEventLedger(failingUpdates(store, failing)).record(events());
    expect(pending(await stateGraph(store)).length).toBeGreaterThan(0);
    const restarted = createEventLedger(store);
    expect(await stateGraph(restarted.reportingStore())).toEqual(STATE);
    // Sending the batch again (a client that saw no answer) changes nothing.
    expect(await restarted.record(events())).toMatchObject({ ok: true, recorded: 0, unchanged: 4 });
    expect(await stateGraph(restarted.reportingStore())).toEqual(STATE);
  });
});
