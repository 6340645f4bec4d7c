import { describe, expect, it } from 'vitest';
import { QueryTimeoutError } from '../../../src/errors.ts';
import { askBoolean, openDurableStore, selectRows } from '../../../src/store/index.ts';
import { captureLog, quadsOf, tempDir } from './helpers.ts';

// A cross product of three patterns over 3,000 quads: 2.7 × 10^10 solutions, far beyond any time limit.
const ENDLESS =
  'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 { ?a ?p ?b } GRAPH ?g2 { ?c ?q ?d } GRAPH ?g3 { ?e ?r ?f } }';

describe('query time limit', () => {
  it('rejects an over-long query with 503 while writes are acknowledged, then serves everything from a fresh engine', async () => {
    const log = captureLog();
    const store = await openDurableStore({ dir: tempDir(), queryTimeoutMs: 1500, logger: log.logger });
    await store.insert(Array.from({ length: 1000 }, (_, n) => quadsOf(n)).flat());
    const events: string[] = [];

    const slow = selectRows(store, ENDLESS).then(
      () => events.push('slow query answered'),
      (error: unknown) => {
        events.push('slow query rejected');
        return error;
      },
    );
    // Queued behind the slow query: must be re-sent to the new engine, not failed.
    const queuedRead = askBoolean(store, 'ASK { GRAPH ?g { ?s ?p "5-1" } }');
    const queuedUpdate = store.update(
      'INSERT DATA { GRAPH <http://example.org/g/late> { <http://example.org/late> <http://example.org/p> 1 } }',
    );
    await store.insert(quadsOf(5000));
    events.push('insert acknowledged');

    const error = await slow;
    expect(events).toEqual(['insert acknowledged', 'slow query rejected']);
    expect(error).toBeInstanceOf(QueryTimeoutError);
    expect(error).toMatchObject({ code: 'Timeout' });
    expect(await queuedRead).toBe(true);
    await queuedUpdate;

    const stats = await store.stats();
    expect(stats.quads).toBe(3000 + 3 + 1);
    expect(await askBoolean(store, 'ASK { GRAPH ?g { <http://example.org/item/5000> ?p ?o } }')).toBe(true);
    expect(store.workerRestarts).toBe(1);
    expect(log.messages('warn').join('\n')).toMatch(/time limit of 1500 ms/);
    await store.close();
  });

  it('applies a per-query time limit given in the options', async () => {
    const store = await openDurableStore({ dir: tempDir(), logger: captureLog().logger });
    await store.insert(Array.from({ length: 1000 }, (_, n) => quadsOf(n)).flat());
    await expect(selectRows(store, ENDLESS, { timeoutMs: 300 })).rejects.toBeInstanceOf(QueryTimeoutError);
    expect((await store.stats()).quads).toBe(3000);
    await store.close();
  });
});
