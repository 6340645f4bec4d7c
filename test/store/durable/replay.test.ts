import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { segmentPath } from '../../../src/store/durable/files.ts';
import { recover } from '../../../src/store/durable/replay.ts';
import { encodeRecord } from '../../../src/store/durable/wal-format.ts';
import { OxigraphEngine } from '../../../src/store/engine.ts';
import { tempDir } from './helpers.ts';

const format = 'application/n-quads' as const;

/** A data directory whose one segment holds loads of `records` × `quads` quads, each with a literal of `bytes`. */
function logOfLoads(records: number, quads: number, bytes: number): string {
  const dir = tempDir();
  const filler = 'x'.repeat(bytes);
  const frames = Array.from({ length: records }, (_, r) => {
    const lines = Array.from(
      { length: quads },
      (_, q) => `<http://e/s${r}-${q}> <http://e/p> "${filler}" .\n`,
    );
    return encodeRecord(r + 1, { op: 'load', data: lines.join(''), format });
  });
  writeFileSync(segmentPath(dir, 1), Buffer.concat(frames));
  return dir;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('replaying the log', () => {
  it('counts the quads only when the lines loaded since could pass the limit, not after every run', () => {
    // 80 records of ~1 MiB: three runs of 32 MiB, 8,000 lines, far below the limit.
    const dir = logOfLoads(80, 100, 10_000);
    const engine = new OxigraphEngine();
    const counts = vi.spyOn(engine, 'size', 'get');
    const outcome = recover(engine, dir, 80, 1_000_000);
    expect(outcome).toMatchObject({ quads: 8000, appliedSeq: 80, replayed: 80 });
    expect(outcome.stoppedEarly).toBeUndefined();
    // Once before the log and once at the end.
    expect(counts).toHaveBeenCalledTimes(2);
  });

  it('still stops at the record whose loads take the store past the limit', () => {
    const dir = logOfLoads(10, 3, 10);
    const outcome = recover(new OxigraphEngine(), dir, 10, 10);
    expect(outcome.stoppedEarly).toMatch(/passed 10 quads at record 4 of 10/);
    expect(outcome.quads).toBe(12);
  });
});
