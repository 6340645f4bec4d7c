import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../src/capture/index.ts';
import { openMemoryStore, selectRows } from '../../src/store/index.ts';
import { createEventLedger, EventLedger } from '../../src/translate/index.ts';

const evaluation = (workflowExecutionId: string, value: number): CaptureEvent =>
  ({
    type: 'evaluation',
    schema: 'provml/1',
    id: 'e1',
    time: '2024-05-01T10:00:00.000Z',
    workflowExecutionId,
    measure: 'loss',
    value,
  }) as CaptureEvent;

describe('EventLedger', () => {
  it('scopes event ids by workflow execution: the same id in two executions is two events', async () => {
    const store = await openMemoryStore();
    const ledger = createEventLedger(store);
    const outcome = await ledger.record([evaluation('run-a', 0.1), evaluation('run-b', 0.2)]);
    expect(outcome).toMatchObject({ ok: true, recorded: 2 });
  });

  it('writes one record quad per new event, none for events already recorded', async () => {
    const store = await openMemoryStore();
    const ledger = createEventLedger(store);
    const first = await ledger.record([evaluation('run-a', 0.1)]);
    expect(first.ok).toBe(true);
    const size = (await store.stats()).quads;
    const records = await selectRows(
      store,
      'SELECT ?c WHERE { GRAPH ?g { ?e <https://w3id.org/provml#eventContent> ?c } }',
    );
    expect(records.rows).toHaveLength(1);
    expect(JSON.parse(records.rows[0]?.c?.value ?? '')).toEqual(evaluation('run-a', 0.1));
    expect(await ledger.record([evaluation('run-a', 0.1)])).toMatchObject({
      ok: true,
      unchanged: 1,
      triples: 0,
    });
    expect((await store.stats()).quads).toBe(size);
  });

  it('an empty batch writes nothing', async () => {
    const store = await openMemoryStore();
    expect(await createEventLedger(store).record([])).toMatchObject({ ok: true, recorded: 0 });
    expect((await store.stats()).quads).toBe(0);
  });

  it('refuses a conflict with the recorded version, naming id, execution and field; replace takes the new one', async () => {
    const store = await openMemoryStore();
    const ledger = createEventLedger(store);
    await ledger.record([evaluation('run-a', 0.1)]);
    const refused = await ledger.record([evaluation('run-a', 0.3)]);
    expect(refused).toEqual({
      ok: false,
      conflicts: [
        {
          index: 0,
          id: 'e1',
          workflowExecutionId: 'run-a',
          path: '/value',
          message:
            "event 'e1' of workflow execution 'run-a' was already recorded with different content (first difference at /value: 0.1 recorded, 0.3 sent)",
        },
      ],
    });
    expect(await ledger.record([evaluation('run-a', 0.3)], 'replace')).toMatchObject({
      ok: true,
      replaced: 1,
    });
    const values = await selectRows(
      store,
      'SELECT ?v WHERE { GRAPH ?g { ?e <http://www.w3.org/ns/prov#value> ?v } }',
    );
    expect(values.rows.map((row) => row.v?.value)).toEqual(['0.3']);
  });

  it("removes a large replacement's old facts in updates no larger than the store's limit", async () => {
    const memory = await openMemoryStore();
    const largest = { quads: 0, updates: 0 };
    // A store that declares a limit of 50 triples per update, as the remote store declares Virtuoso's.
    const limited = new Proxy(memory, {
      get(target, key, receiver) {
        if (key === 'maxUpdateTriples') return 50;
        if (key !== 'update') return Reflect.get(target, key, receiver);
        return async (update: string) => {
          const quads = update.split('\n').filter((line) => line.trim().endsWith(' .')).length;
          largest.quads = Math.max(largest.quads, quads);
          largest.updates++;
          return target.update(update);
        };
      },
    });
    const ledger = createEventLedger(limited);
    const batch = (value: number): CaptureEvent[] =>
      Array.from(
        { length: 40 },
        (_, i) => ({ ...evaluation('run-a', value + i), id: `e${i}` }) as CaptureEvent,
      );
    await ledger.record(batch(0));
    expect(await ledger.record(batch(1000), 'replace')).toMatchObject({ ok: true, replaced: 40 });
    expect(largest.updates).toBeGreaterThan(1);
    expect(largest.quads).toBeGreaterThan(0);
    expect(largest.quads).toBeLessThanOrEqual(50);
    const values = await selectRows(
      memory,
      'SELECT ?v WHERE { GRAPH ?g { ?e <http://www.w3.org/ns/prov#value> ?v } }',
    );
    expect(values.rows.map((row) => Number(row.v?.value)).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 40 }, (_, i) => 1000 + i),
    );
  });

  it('stays correct when what it knows of one execution is evicted while it reads another', async () => {
    const store = await openMemoryStore();
    const many = (execution: string, count: number) =>
      Array.from({ length: count }, (_, i) => ({ ...evaluation(execution, i), id: `m${i}` }) as CaptureEvent);
    await createEventLedger(store).record([...many('run-a', 3), ...many('run-b', 3)]);
    // A fresh ledger (as after a restart) with room for fewer records than the two executions hold.
    const ledger = new EventLedger(store, 4);
    const conflicting = [{ ...evaluation('run-a', 9), id: 'm0' } as CaptureEvent, ...many('run-b', 3)];
    const outcome = await ledger.record(conflicting);
    expect(outcome).toMatchObject({ ok: false, conflicts: [{ id: 'm0', workflowExecutionId: 'run-a' }] });
  });
});
