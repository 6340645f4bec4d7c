import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchArgs } from './args.ts';
import { runBenchScript } from './child-script.ts';
import { perSize, progress } from './group.ts';
import { round } from './stats.ts';

const SCRIPT = fileURLToPath(new URL('../store-startup.ts', import.meta.url));
const MIB = 2 ** 20;

/** The fields of store-startup.ts's JSON (the durable store's own benchmark) that the suite reports. */
interface StoreStartupJson {
  quads: number;
  rawQuadsPerSecond: number;
  quadsPerSecond: number;
  ratioToRawLoad: number;
  recordsPerFsync: number;
  imageMiB: number;
  openFromSnapshotAndLogMs: number;
  openFromSnapshotAndLogRssMiB: number;
  openFromSnapshotMs: number;
  openFromSnapshotRssMiB: number;
  quadsAfterOpen: number;
}

export interface RecoverySize {
  size: number;
  quads: number;
  /** Restart from a crash image (snapshot + log tail replayed), seconds per million quads. */
  logRestartSecondsPerMillion: number;
  /** Restart after a clean close (snapshot only), seconds per million quads. */
  snapshotRestartSecondsPerMillion: number;
  /** Whole-process resident memory after the restart ÷ quads (includes Node's ~50–80 MB baseline). */
  rssBytesPerTripleGross: number;
  raw: StoreStartupJson;
}

export interface RecoveryResults {
  sizes: Array<RecoverySize | { size: number; error: string }>;
  /** Slope between the smallest and largest size: the memory one more triple costs, baseline excluded. */
  marginalRssBytesPerTriple?: number;
}

/** Group 4: runs the store's own start-up benchmark (test/bench/store-startup.ts) per size, in a child process. */
export async function recoveryGroup(args: BenchArgs, notes: string[]): Promise<RecoveryResults> {
  if (!existsSync(SCRIPT))
    throw new Error('test/bench/store-startup.ts (the durable store benchmark) is missing');
  notes.push(
    'data: store-startup.ts synthetic provenance-like quads (one graph per run), written through the durable store (8 writers in flight, 1000 quads a write, group commit); restart measured in a fresh process',
  );
  const sizes = await perSize(args.sizes, async (size) => {
    const raw = await runBenchScript<StoreStartupJson>(SCRIPT, ['--quads', String(size)], 60 * 60_000);
    const millions = raw.quads / 1e6;
    const result: RecoverySize = {
      size,
      quads: raw.quadsAfterOpen,
      logRestartSecondsPerMillion: round(raw.openFromSnapshotAndLogMs / 1000 / millions),
      snapshotRestartSecondsPerMillion: round(raw.openFromSnapshotMs / 1000 / millions),
      rssBytesPerTripleGross: round((raw.openFromSnapshotRssMiB * MIB) / raw.quads),
      raw,
    };
    progress(
      `${raw.quads} quads: restart ${raw.openFromSnapshotMs} ms (snapshot), ${raw.openFromSnapshotAndLogMs} ms (log), ${raw.openFromSnapshotRssMiB} MiB`,
    );
    return result;
  });
  const ok = sizes.filter((entry): entry is RecoverySize => 'raw' in entry);
  const first = ok[0];
  const last = ok.at(-1);
  if (first && last && last.quads > first.quads) {
    const slope =
      ((last.raw.openFromSnapshotRssMiB - first.raw.openFromSnapshotRssMiB) * MIB) /
      (last.quads - first.quads);
    return { sizes, marginalRssBytesPerTriple: round(slope) };
  }
  return { sizes };
}
