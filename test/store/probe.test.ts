import * as ox from 'oxigraph';
import { describe, expect, it } from 'vitest';
import { BadRequestError } from '../../src/errors.ts';
import { OxigraphEngine } from '../../src/store/engine.ts';
import { openDurableStore, selectRows } from '../../src/store/index.ts';
import { tempDir } from './durable/helpers.ts';

// Writes are checked on the main thread before they are logged; a WASM fault in that check used to leave
// the shared Oxigraph instance broken ("memory access out of bounds"), so every later write failed.

const deepInsert = `INSERT DATA { <a:s> <a:p> ${'('.repeat(20_000)}${')'.repeat(20_000)} }`;

describe('write checks in a throw-away Oxigraph instance', () => {
  it('refuses a write that faults the checker, and the next checks and the shared engine still work', () => {
    // Straight to the checker, past the nesting limit that normally stops such a text first.
    const fault = (() => {
      try {
        OxigraphEngine.validate({ op: 'update', text: deepInsert });
      } catch (error) {
        return error;
      }
    })();
    expect(fault).toBeInstanceOf(BadRequestError);
    expect((fault as Error).message).toMatch(/could not check this write/);
    expect(OxigraphEngine.validate({ op: 'update', text: 'INSERT DATA { <a:s> <a:p> 1 }' })).toBe(1);
    const shared = new ox.Store();
    shared.update('INSERT DATA { <a:s> <a:p> 2 }');
    expect(shared.size).toBe(1);
  });

  it('keeps a durable store writable after a 20,000-deep INSERT DATA', async () => {
    const store = await openDurableStore({ dir: tempDir() });
    try {
      await expect(store.update(deepInsert)).rejects.toThrow(/nests 20001 levels/);
      await store.update('INSERT DATA { <a:s> <a:p> "after" }');
      await store.load('<a:s> <a:q> "loaded" .', { format: 'application/n-triples' });
      const rows = await selectRows(store, 'SELECT ?o WHERE { <a:s> ?p ?o } ORDER BY ?o');
      expect(rows.rows.map((row) => row.o?.value)).toEqual(['after', 'loaded']);
    } finally {
      await store.close();
    }
  });
});
