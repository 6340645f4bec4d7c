import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors.ts';
import { askBoolean, openDurableStore, selectRows } from '../../../src/store/index.ts';
import { quadsOf, tempDir } from './helpers.ts';

// A 34 KB anonymous read, FILTER(?o != "x0" && … 2,100 terms), nests without brackets; Oxigraph froze on it
// for the whole time limit, after which its worker was rebuilt from snapshot and log (reads down meanwhile).
const chain = Array.from({ length: 2_100 }, (_, i) => `?o != "x${i}"`).join(' && ');

describe('an operator chain past the parsed-depth limit', () => {
  it('is a 400 before the engine sees it: the worker is never stopped, the next query answers', async () => {
    const store = await openDurableStore({ dir: tempDir(), queryTimeoutMs: 5_000 });
    try {
      await store.insert(quadsOf(1));
      await expect(
        selectRows(store, `SELECT * WHERE { GRAPH ?g { ?s ?p ?o FILTER(${chain}) } }`),
      ).rejects.toThrow(BadRequestError);
      expect(store.workerRestarts).toBe(0);
      expect(await askBoolean(store, 'ASK { GRAPH ?g { ?s ?p ?o } }')).toBe(true);
    } finally {
      await store.close();
    }
  });
});
