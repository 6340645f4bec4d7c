// How long a durable dump holds the engine (not part of npm test). A dump whose reader reads nothing is
// produced whole into memory + spool; the query queued behind it answers once the engine is free. Printed
// side by side with a dump read as fast as it comes: `engineHeldRatio` near 1 says the engine is held for
// producing the dump only, `spooledReadRatio` what reading it back from the spool costs on top (the queued
// query's own time, measured alone, is taken off both).
// Usage: node --import tsx test/bench/dump-spool.ts [--quads 200000] [--page 10000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuadData } from '../../src/rdf/index.ts';
import { openDurableStore, selectRows } from '../../src/store/index.ts';
import { syntheticBatch } from './store-startup.ts';
import { measuredCommit } from './suite/commit.ts';

const COUNT = 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }';
const args = process.argv.slice(2);
const option = (name: string, fallback: number): number => {
  const at = args.indexOf(name);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const quads = option('--quads', 200_000);
const pageQuads = option('--page', 10_000);

const dir = mkdtempSync(join(tmpdir(), 'provml-dump-spool-'));
const store = await openDurableStore({ dir, maxQuads: Number.MAX_SAFE_INTEGER });
try {
  for (let batch = 0; batch * 1000 < quads; batch += 50) {
    const data: QuadData[] = [];
    for (let i = batch; i < batch + 50 && i * 1000 < quads; i++) data.push(...syntheticBatch(i));
    await store.insert(data);
  }
  const size = (await store.stats()).quads;
  const rounds: Array<{ directMs: number; engineHeldMs: number; spooledMs: number; bytes: number }> = [];
  for (let round = 0; round < 3; round++) {
    let started = performance.now();
    await selectRows(store, COUNT);
    const queryMs = performance.now() - started;
    started = performance.now();
    let directBytes = 0;
    for await (const page of store.dump({ format: 'application/n-quads', pageQuads }))
      directBytes += page.length;
    const directMs = performance.now() - started;

    started = performance.now();
    const reader = store.dump({ format: 'application/n-quads', pageQuads })[Symbol.asyncIterator]();
    let spooledBytes = ((await reader.next()).value as string).length;
    await selectRows(store, COUNT);
    const engineHeldMs = performance.now() - started - queryMs;
    for (let next = await reader.next(); !next.done; next = await reader.next())
      spooledBytes += next.value.length;
    const spooledMs = performance.now() - started - queryMs;
    if (spooledBytes !== directBytes) throw new Error('the spooled dump differs from the direct one');
    rounds.push({ directMs, engineHeldMs, spooledMs, bytes: directBytes });
  }
  const best = (key: 'directMs' | 'engineHeldMs' | 'spooledMs'): number =>
    Math.min(...rounds.map((r) => r[key]));
  console.log(
    JSON.stringify({
      commit: measuredCommit(),
      quads: size,
      pageQuads,
      bytes: rounds[0]?.bytes,
      directMs: Math.round(best('directMs')),
      engineHeldMs: Math.round(best('engineHeldMs')),
      spooledMs: Math.round(best('spooledMs')),
      engineHeldRatio: Number((best('engineHeldMs') / best('directMs')).toFixed(2)),
      spooledReadRatio: Number((best('spooledMs') / best('directMs')).toFixed(2)),
    }),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
