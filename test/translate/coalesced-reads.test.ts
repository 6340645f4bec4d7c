import { describe, expect, it } from 'vitest';
import { CoalescedReads } from '../../src/translate/coalesced-reads.ts';

/** A read that answers each key's length once released, recording which keys each read covered. */
function lengths() {
  const reads: string[][] = [];
  const releases: Array<() => void> = [];
  const coalesced = new CoalescedReads<number>(async (keys) => {
    reads.push([...keys].sort());
    await new Promise<void>((resolve) => releases.push(resolve));
    return new Map(keys.map((key) => [key, key.length]));
  });
  const releaseNext = async (): Promise<void> => {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()?.();
  };
  return { reads, coalesced, releaseNext };
}

describe('CoalescedReads', () => {
  it('callers of one tick share one read; a key asked during a read is read again by the next one', async () => {
    const { reads, coalesced, releaseNext } = lengths();
    const first = [coalesced.get('a'), coalesced.get('bb'), coalesced.get('a')];
    await releaseNext();
    expect(await Promise.all(first)).toEqual([1, 2, 1]);
    const during = coalesced.get('ccc');
    await new Promise((resolve) => setImmediate(resolve));
    const asked = [coalesced.get('a'), coalesced.get('dddd')];
    await releaseNext();
    expect(await during).toBe(3);
    await releaseNext();
    expect(await Promise.all(asked)).toEqual([1, 4]);
    expect(reads).toEqual([['a', 'bb'], ['ccc'], ['a', 'dddd']]);
  });

  it('a failed read rejects its callers only; the next read is made afresh', async () => {
    let fail = true;
    const coalesced = new CoalescedReads<number>(async (keys) => {
      if (fail) throw new Error('engine down');
      return new Map(keys.map((key) => [key, 0]));
    });
    await expect(coalesced.get('x')).rejects.toThrow('engine down');
    fail = false;
    expect(await coalesced.get('x')).toBe(0);
  });
});
