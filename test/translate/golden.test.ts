import { describe, expect, it } from 'vitest';
import { type BatchFormat, prepareBatch } from '../../src/translate/index.ts';
import { canonical, readJson, readText } from './helpers.ts';

// event fixture → expected TriG, compared as sets of quads
const GOLDEN: Array<[string, BatchFormat]> = [
  ['workflow-started', 'provml'],
  ['workflow-ended', 'provml'],
  ['task-started-section', 'provml'],
  ['task-updated', 'provml'],
  ['section-metrics', 'provml'],
  ['task-ended-alone', 'provml'],
  ['model-saved', 'provml'],
  ['evaluation', 'provml'],
  ['dataset-registered', 'provml'],
  ['plan-declared', 'provml'],
  ['flowcept-messages', 'flowcept'],
];

describe('translation golden files', () => {
  it.each(GOLDEN)('%s.json translates to %s TriG', async (name, format) => {
    const prepared = prepareBatch(readJson(`events/${name}.json`), { format });
    if (!prepared.ok) throw new Error(JSON.stringify(prepared.errors));
    const actual = await canonical({ quads: prepared.quads });
    const expected = await canonical({ trig: readText(`translate/${name}.trig`) });
    expect(actual).toEqual(expected);
  });
});
