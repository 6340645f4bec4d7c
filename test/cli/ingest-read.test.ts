import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERIES_TYPE } from '../../src/capture/index.ts';
import { type FileBatch, ndjsonBatches } from '../../src/cli/ingest-read.ts';

// `provml ingest` sizes its requests in events: a metric series' line counts as the events it stands for.

async function batchesOf(lines: string[], batchSize: number): Promise<FileBatch[]> {
  const file = join(mkdtempSync(join(tmpdir(), 'provml-ingest-read-')), 'capture.ndjson');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const batches: FileBatch[] = [];
  for await (const batch of ndjsonBatches(file, { offset: 0, line: 0 }, batchSize)) batches.push(batch);
  return batches;
}

describe('ndjsonBatches', () => {
  it('counts a series line as its events, and puts at least one line in a batch', async () => {
    const plain = '{"type":"evaluation"}';
    const series = (count: number) => JSON.stringify({ type: SERIES_TYPE, count });
    const batches = await batchesOf([plain, series(3), plain, series(10), plain, plain], 4);
    expect(batches.map((batch) => batch.lines)).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(batches.at(-1)?.end.line).toBe(6);
  });

  it('batches plain lines by their number', async () => {
    const batches = await batchesOf(['{}', '{}', '{}'], 2);
    expect(batches.map((batch) => batch.items.length)).toEqual([2, 1]);
  });
});
