import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../src/capture/index.ts';
import { quadToNQuads } from '../../src/rdf/index.ts';
import { dumpText, openMemoryStore } from '../../src/store/index.ts';
import { translate, translateEvent } from '../../src/translate/index.ts';
import { canonical, readEvents, seededShuffle } from './helpers.ts';

const lifecycle = readEvents('lifecycle.json');

describe('idempotence', () => {
  it('translates the same events to the same quads, without duplicates', () => {
    const once = translate(lifecycle).map(quadToNQuads);
    expect(translate(lifecycle).map(quadToNQuads)).toEqual(once);
    expect(new Set(once).size).toBe(once.length);
    expect(translate([...lifecycle, ...lifecycle]).map(quadToNQuads)).toEqual(once);
  });

  it('ingesting a batch twice leaves the store unchanged', async () => {
    const store = await openMemoryStore();
    await store.insert(translate(lifecycle));
    const after = await store.stats();
    expect(after.quads).toBeGreaterThan(1000);
    await store.insert(translate(lifecycle));
    for (const event of lifecycle.slice(0, 10)) await store.insert(translateEvent(event));
    expect(await store.stats()).toEqual(after);
  });
});

describe('order independence', () => {
  it.each([1, 2, 3, 42, 2024])(
    'a shuffle (seed %i) of the lifecycle gives the identical graph',
    async (seed) => {
      const expected = await canonical({ quads: translate(lifecycle) });
      const shuffled = seededShuffle(lifecycle, seed);
      expect(shuffled.map((e) => e.id)).not.toEqual(lifecycle.map((e) => e.id));
      expect(await canonical({ quads: translate(shuffled) })).toEqual(expected);
    },
  );

  it('events ingested one by one from several "processes" in any order give the same store', async () => {
    const reference = await openMemoryStore();
    await reference.insert(translate(lifecycle));
    const store = await openMemoryStore();
    // three senders, each with an interleaved share, each batch reversed
    const senders: CaptureEvent[][] = [[], [], []];
    for (const [i, event] of seededShuffle(lifecycle, 7).entries()) senders[i % 3]?.push(event);
    for (const batch of senders.reverse()) await store.insert(translate([...batch].reverse()));
    expect(await dumpText(store.dump({ format: 'application/n-quads' })).then(sortLines)).toEqual(
      await dumpText(reference.dump({ format: 'application/n-quads' })).then(sortLines),
    );
  });

  it('task.ended without task.started still records a complete execution', () => {
    const ended = lifecycle.find((e) => e.type === 'task.ended' && e.taskId === 'train-1');
    if (!ended) throw new Error('fixture lacks the end of train-1');
    const lines = translateEvent(ended).map(quadToNQuads).join('');
    expect(lines).toContain('<http://www.w3.org/ns/prov#endedAtTime>');
    expect(lines).toContain('<https://w3id.org/provml#hasStatus> <https://w3id.org/provml#Finished>');
    expect(lines).toContain(
      '<https://w3id.org/provml#executionOf> <https://w3id.org/provml/id/transformation/train-unet>',
    );
  });
});

describe('pure per event', () => {
  it('each event yields quads in its workflow execution graph only, with no blank nodes', () => {
    for (const event of lifecycle) {
      const graph = `https://w3id.org/provml/graph/wfexec/${encodeURIComponent(event.workflowExecutionId)}`;
      for (const quad of translateEvent(event)) {
        expect(quad.graph).toEqual({ termType: 'NamedNode', value: graph });
        expect(quad.subject.termType).toBe('NamedNode');
        expect(quad.object.termType).not.toBe('BlankNode');
      }
    }
  });

  it('the translation of a batch is the union of the translations of its events', async () => {
    const union = lifecycle.flatMap((event) => translateEvent(event));
    expect(await canonical({ quads: union })).toEqual(await canonical({ quads: translate(lifecycle) }));
  });
});

function sortLines(text: string): string[] {
  return text.split('\n').filter(Boolean).sort();
}
