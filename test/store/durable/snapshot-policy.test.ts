import { describe, expect, it } from 'vitest';
import { snapshotDue, snapshotThreshold } from '../../../src/store/durable/snapshot-policy.ts';

const MIB = 1 << 20;
const policy = { minBytes: 64 * MIB, growth: 0.5 };

describe('snapshot policy', () => {
  it.each([
    // last snapshot size, log bytes since, due?
    [0, 64 * MIB - 1, false], // a new store: the minimum applies
    [0, 64 * MIB, true],
    [100 * MIB, 64 * MIB, true], // half of a small snapshot is below the minimum
    [1024 * MIB, 64 * MIB, false], // a 1 GiB store waits for 512 MiB of log, not 64
    [1024 * MIB, 512 * MIB - 1, false],
    [1024 * MIB, 512 * MIB, true],
  ])('snapshot of %d bytes, %d log bytes since: due %s', (snapshotBytes, logBytes, due) => {
    expect(snapshotDue(policy, logBytes, snapshotBytes)).toBe(due);
  });

  it('keeps snapshot work per ingested byte bounded as the store grows (amortised O(1)), unlike a fixed interval', () => {
    /** Bytes written by snapshots while `total` bytes are ingested into a store that only grows. */
    const snapshotWork = (total: number, growth: number): number => {
      let store = 0;
      let log = 0;
      let lastSnapshot = 0;
      let work = 0;
      const step = 1 * MIB;
      for (let ingested = 0; ingested < total; ingested += step) {
        store += step;
        log += step;
        if (log >= snapshotThreshold({ minBytes: 64 * MIB, growth }, lastSnapshot)) {
          work += store;
          lastSnapshot = store;
          log = 0;
        }
      }
      return work / total;
    };
    const amortised = [1, 10, 100].map((gib) => snapshotWork(gib * 1024 * MIB, 0.5));
    const fixedInterval = [1, 10, 100].map((gib) => snapshotWork(gib * 1024 * MIB, 0));
    for (const ratio of amortised) expect(ratio).toBeLessThanOrEqual(3); // ≤ (1 + growth) / growth
    expect(fixedInterval[2]).toBeGreaterThan(50 * (fixedInterval[0] as number)); // grows with the data
  });
});
