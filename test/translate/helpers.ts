import { readFileSync } from 'node:fs';
import type { CaptureEvent } from '../../src/capture/index.ts';
import type { QuadData } from '../../src/rdf/index.ts';
import { dumpText, openMemoryStore } from '../../src/store/index.ts';

const fixtures = new URL('../fixtures/', import.meta.url);

export function readJson(path: string): unknown {
  return JSON.parse(readFileSync(new URL(path, fixtures), 'utf8'));
}

export const readEvents = (name: string): CaptureEvent[] => readJson(`events/${name}`) as CaptureEvent[];

export function readText(path: string): string {
  return readFileSync(new URL(path, fixtures), 'utf8');
}

/** Canonical form of a quad set: Oxigraph's N-Quads lines, sorted (so comparison is by set, not order). */
export async function canonical(input: { quads: QuadData[] } | { trig: string }): Promise<string[]> {
  const store = await openMemoryStore();
  if ('quads' in input) await store.insert(input.quads);
  else await store.load(input.trig, { format: 'application/trig' });
  const dump = await dumpText(store.dump({ format: 'application/n-quads' }));
  return dump
    .split('\n')
    .filter((line) => line.trim() !== '')
    .sort();
}

/** Deterministic PRNG (mulberry32) for reproducible shuffles. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}
