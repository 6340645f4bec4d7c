import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { validateBatch } from '../../src/capture/index.ts';
import { openMemoryStore } from '../../src/store/index.ts';
import { generateDataset, generateProject, Rng, workflowNQuads } from '../bench/generate/index.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'provml-gen-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const sha = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('benchmark data generator', () => {
  it('draws the same numbers from the same seed and different ones from another', () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return Array.from({ length: 5 }, () => rng.int(0, 1_000_000));
    };
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('generates the same project from the same seed, as valid capture events', () => {
    const first = generateProject(42, 3);
    expect(generateProject(42, 3)).toEqual(first);
    expect(generateProject(43, 3)).not.toEqual(first);
    const events = first.workflows.flatMap((workflow) => workflow.events);
    const checked = validateBatch(events);
    expect(checked.ok ? [] : checked.errors).toEqual([]);
    const kinds = new Set(events.map((event) => event.type));
    expect([...kinds].sort()).toEqual([
      'dataset.registered',
      'evaluation',
      'model.saved',
      'task.ended',
      'task.started',
      'workflow.ended',
      'workflow.started',
    ]);
    expect(first.facts.runs.length).toBeGreaterThanOrEqual(8);
  });

  it('writes byte-identical files for the same seed and size, at least the target, loadable as given', async () => {
    const a = join(tempDir(), 'a');
    const b = join(tempDir(), 'b');
    const manifest = generateDataset(a, 3000, 11);
    generateDataset(b, 3000, 11);
    for (const file of ['events.ndjson', 'data.nq', 'domain.nq'])
      expect(sha(join(a, file))).toBe(sha(join(b, file)));
    expect(manifest.triples).toBeGreaterThanOrEqual(3000);
    const lines = readFileSync(join(a, 'events.ndjson'), 'utf8').trim().split('\n');
    expect(lines).toHaveLength(manifest.events);
    const store = await openMemoryStore();
    await store.load(readFileSync(join(a, 'data.nq'), 'utf8'), { format: 'application/n-quads' });
    expect((await store.stats()).quads).toBe(manifest.triples);
  });

  it('counts the quads of a workflow as the translator produces them, without duplicates', () => {
    const workflow = generateProject(5, 0).workflows[0]!;
    const doubled = workflowNQuads([...workflow.events, ...workflow.events]);
    expect(doubled).toEqual(workflowNQuads(workflow.events));
    expect(new Set(doubled).size).toBe(doubled.length);
  });
});
