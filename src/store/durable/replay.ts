import { ProvmlError } from '../../errors.ts';
import type { OxigraphEngine } from '../engine.ts';
import { listDataDir } from './files.ts';
import { type RecoverOutcome, ReplayCrashError } from './protocol.ts';
import { readSnapshot, type SnapshotReading } from './snapshot-io.ts';
import { readSegment } from './wal-format.ts';

const MAX_LISTED_FAILURES = 20;

/**
 * Rebuilds the engine from the newest snapshot plus the log records after it, up to `untilSeq`
 * (records past it may still be being written by the main thread). An update that failed when it was
 * first applied (say, DROP of a missing graph) fails the same way here: it is noted and skipped.
 */
export function recover(
  engine: OxigraphEngine,
  dir: string,
  untilSeq: number,
  maxQuads?: number,
): RecoverOutcome {
  const listing = listDataDir(dir);
  const snapshot = listing.snapshots.filter((s) => s.seq <= untilSeq).at(-1);
  const outcome: RecoverOutcome = {
    quads: 0,
    snapshotSeq: snapshot?.seq ?? 0,
    appliedSeq: snapshot?.seq ?? 0,
    replayed: 0,
    warnings: [],
  };
  if (snapshot) {
    const reading: SnapshotReading = { lines: 0, truncated: false };
    try {
      engine.loadNQuads(readSnapshot(snapshot.path, reading, maxQuads));
    } catch (error) {
      if (error instanceof Error && error.name === 'RuntimeError') throw error;
      const why = error instanceof Error ? error.message : String(error);
      throw new ProvmlError(
        500,
        `The snapshot ${snapshot.path} cannot be read (${why}). Restore the data directory from a backup.`,
      );
    }
    if (reading.truncated)
      return stopEarly(
        engine,
        outcome,
        `the snapshot ${snapshot.path} alone holds more than ${maxQuads} quads`,
      );
  }
  let failures = 0;
  const segments = listing.segments;
  for (const [index, segment] of segments.entries()) {
    const next = segments[index + 1];
    if (next && next.seq <= outcome.snapshotSeq + 1) continue; // wholly inside the snapshot
    if (segment.seq > untilSeq) break;
    for (const record of readSegment(segment.path)) {
      if (record.seq <= outcome.snapshotSeq) continue;
      if (record.seq > untilSeq) return finish(engine, outcome, failures);
      try {
        engine.apply(record.op, { validated: true });
      } catch (error) {
        if (error instanceof Error && error.name === 'RuntimeError')
          throw new ReplayCrashError(record.seq, error);
        failures++;
        if (failures <= MAX_LISTED_FAILURES)
          outcome.warnings.push(
            `Record ${record.seq} failed again on replay, as it did when first applied: ${(error as Error).message}`,
          );
      }
      outcome.appliedSeq = record.seq;
      outcome.replayed++;
      if (record.seq >= untilSeq) return finish(engine, outcome, failures);
      if (maxQuads !== undefined && engine.size > maxQuads) {
        return stopEarly(
          engine,
          outcome,
          `replaying the log passed ${maxQuads} quads at record ${record.seq} of ${untilSeq}`,
        );
      }
    }
  }
  return finish(engine, outcome, failures);
}

function finish(engine: OxigraphEngine, outcome: RecoverOutcome, failures: number): RecoverOutcome {
  if (failures > MAX_LISTED_FAILURES)
    outcome.warnings.push(`${failures - MAX_LISTED_FAILURES} more records failed again on replay.`);
  outcome.quads = engine.size;
  return outcome;
}

function stopEarly(engine: OxigraphEngine, outcome: RecoverOutcome, why: string): RecoverOutcome {
  outcome.quads = engine.size;
  outcome.stoppedEarly = `Start-up stopped loading because ${why}, the store's limit (maxQuads / PROVML_MAX_QUADS). The store is read-only and shows only the data loaded so far; nothing on disk was changed. Raise the limit if memory allows, or export the data and move to a server engine (PROVML_STORE=sparql).`;
  return outcome;
}
