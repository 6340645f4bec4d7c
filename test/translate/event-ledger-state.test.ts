// A batch is acknowledged once its facts are durable; the online state is refreshed after. These tests hold the
// two promises that make that honest: reads through the ledger's store see the state of every acknowledged batch,
// and a refresh that never happened (a failed round, a crash: here a ledger whose refresh writes all fail, then a
// new ledger over the same store, as after a restart) is redone from the pending markers the batch carried.
import { describe, expect, it } from 'vitest';
import { type CaptureEvent, validateBatch } from '../../src/capture/index.ts';
import { askBoolean, openMemoryStore, type ProvStore, selectRows } from '../../src/store/index.ts';
import { createEventLedger } from '../../src/translate/index.ts';
import { ONLINE_STATE_GRAPH, STATE_NS } from '../../src/vocab.ts';
import { trainingRun } from '../support/training-run.ts';

const { id: ID, run: RUN, events: batch, state: STATE } = trainingRun('ls', 'l', 2);

function events(): CaptureEvent[] {
  const checked = validateBatch(batch);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  return checked.events;
}

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
