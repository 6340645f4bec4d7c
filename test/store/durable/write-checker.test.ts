import { afterEach, describe, expect, it, vi } from 'vitest';
import { BadRequestError } from '../../../src/errors.ts';
import { INLINE_CHECK_MAX_CHARS, WriteChecker } from '../../../src/store/durable/write-checker.ts';
import { OxigraphEngine } from '../../../src/store/engine.ts';
import { openDurableStore } from '../../../src/store/index.ts';
import { quadsOf, tempDir } from './helpers.ts';

// Writes are parsed before they are logged. On the main thread a big body held every other request (and
// /health) for as long as the parse took, ~75 ms per MiB; the check runs in a thread of its own instead.

const EX = 'http://example.org/';
const ntriples = (lines: number, tag = 'big'): string =>
  Array.from({ length: lines }, (_, i) => `<${EX}${tag}/${i}> <${EX}p> "value ${i}" .\n`).join('');
// Past the inline limit, so it is parsed in the check thread (the nesting limit normally stops it first).
const deepInsert = `INSERT DATA { <a:s> <a:p> ${'('.repeat(40_000)}${')'.repeat(40_000)} }`;

afterEach(() => {
  vi.restoreAllMocks();
});

describe('write checks off the main thread', () => {
  it('the main thread parses no large write: loads, graph replacements and updates go to the check thread', async () => {
    const onMain = vi.spyOn(OxigraphEngine, 'validate');
    const store = await openDurableStore({ dir: tempDir() });
    try {
      const big = ntriples(20_000);
      expect(big.length).toBeGreaterThan(INLINE_CHECK_MAX_CHARS);
      await store.load(big, { format: 'application/n-triples' });
      await store.replaceGraph({ termType: 'NamedNode', value: `${EX}g` }, ntriples(2_000, 'g'), {
        format: 'application/n-triples',
      });
      await store.update(`INSERT DATA { ${ntriples(2_000, 'u')} }`);
      expect(onMain).not.toHaveBeenCalled();
      expect((await store.stats()).quads).toBe(20_000 + 2_000 + 2_000);
      // A small write is checked where it arrives (milliseconds): no hop, no thread to start.
      await store.update(`INSERT DATA { <${EX}s> <${EX}p> "small" }`);
      expect(onMain).toHaveBeenCalledTimes(1);
    } finally {
      await store.close();
    }
  });

  it('a malformed write is still a 400 naming where, and nothing is logged', async () => {
    const store = await openDurableStore({ dir: tempDir() });
    try {
      const refusal = store.load(`${ntriples(3_000)}<${EX}a> <${EX}b> .\n`, {
        format: 'application/n-triples',
      });
      await expect(refusal).rejects.toBeInstanceOf(BadRequestError);
      await expect(refusal).rejects.toThrow(/line 3001/);
      expect(store.logCounters().records).toBe(0);
      await store.insert(quadsOf(1));
      expect(store.logCounters().records).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('numbers writes in call order, even when an earlier one takes longer to check', async () => {
    const store = await openDurableStore({ dir: tempDir() });
    try {
      const big = store.load(ntriples(50_000), { format: 'application/n-triples' });
      const small = store.insert(quadsOf(1)); // needs no check: it would be numbered first if it could
      const [first, second] = await Promise.all([big, small]);
      expect(first.seq).toBeLessThan(second.seq);
    } finally {
      await store.close();
    }
  });

  it('a write called before close() is still logged, and is there after a restart', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir });
    const pending = store.load(ntriples(20_000), { format: 'application/n-triples' });
    await store.close();
    expect((await pending).seq).toBe(1);
    const again = await openDurableStore({ dir });
    expect((await again.stats()).quads).toBe(20_000);
    await again.close();
  });

  it('a WASM fault in the check thread refuses that write only; the next checks work', async () => {
    const checker = new WriteChecker();
    try {
      await expect(checker.check({ op: 'update', text: deepInsert })).rejects.toThrow(
        /could not check this write/,
      );
      expect(await checker.check({ op: 'update', text: 'INSERT DATA { <a:s> <a:p> 1 }' })).toBe(1);
      expect(await checker.check({ op: 'load', data: ntriples(3), format: 'application/n-triples' })).toBe(3);
    } finally {
      await checker.close();
    }
  });
});
