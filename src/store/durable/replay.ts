import { ProvmlError } from '../../errors.ts';
import type { OxigraphEngine } from '../engine.ts';
import { applyRecords } from './apply-records.ts';
import { type DirEntry, listDataDir } from './files.ts';
import type { RecoverOutcome } from './protocol.ts';
import { readSnapshot, SnapshotDamagedError, type SnapshotReading } from './snapshot-io.ts';
import { asBuffer, type LogRecord, readSegment } from './wal-format.ts';

const MAX_LISTED_FAILURES = 20;
const RUN_BYTES = 32 << 20;
const MEASURE_AFTER_LINES = 1_000_000;
const MEASURE_AFTER_UPDATES = 1_000;

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
  acceptLoss = false,
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
      engine.loadNQuads(readSnapshot(snapshot.path, snapshot.seq, reading, maxQuads, acceptLoss));
    } catch (error) {
      if (error instanceof Error && error.name === 'RuntimeError') throw error;
      throw new ProvmlError('Corrupt', snapshotProblem(snapshot.path, dir, reading.damage ?? error));
    }
    if (reading.legacy) {
      outcome.legacySnapshot = true;
      outcome.warnings.push(
        `The snapshot ${snapshot.path} was written by an older provml and has no checksum, so it could not be checked; a checked snapshot replaces it now.`,
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
  const onFailure = (seq: number, error: Error): void => {
    failures++;
    if (failures <= MAX_LISTED_FAILURES) {
      outcome.warnings.push(
        `Record ${seq} failed again on replay, as it did when first applied: ${error.message}`,
      );
    }
  };
  // Records are applied in runs (see apply-records.ts), and the size limit is checked between runs. Counting the
  // engine's quads is a full scan (about 0.05 s per million), so it is not redone after every run: after loads,
  // the size is at most the last count plus the lines loaded since. It is counted again when that bound could
  // pass the limit, or after MEASURE_AFTER_LINES lines or MEASURE_AFTER_UPDATES updates (an update may add any
  // number; every logged one passed the ceiling when it was first applied).
  let run: LogRecord[] = [];
  let runBytes = 0;
  let overLimit = false;
  // With a limit, a run also ends once it may cross it, so loading stops at the record that does.
  let measured = engine.size;
  let runQuads = 0;
  let runUpdates = 0;
  let linesSince = 0;
  let updatesSince = 0;
  const applyRun = (): void => {
    applyRecords(engine, run, onFailure);
    outcome.appliedSeq = run.at(-1)?.seq ?? outcome.appliedSeq;
    outcome.replayed += run.length;
    linesSince += runQuads;
    updatesSince += runUpdates;
    run = [];
    runBytes = 0;
    runQuads = 0;
    runUpdates = 0;
    if (maxQuads === undefined) return;
    const mayBeOver = measured + linesSince > maxQuads;
    if (!mayBeOver && linesSince < MEASURE_AFTER_LINES && updatesSince < MEASURE_AFTER_UPDATES) return;
    measured = engine.size;
    linesSince = 0;
    updatesSince = 0;
    overLimit = measured > maxQuads;
  };
  for (const record of recordsAfter(listing.segments, outcome.snapshotSeq, untilSeq)) {
    if (overLimit) {
      return stopEarly(
        engine,
        outcome,
        `replaying the log passed ${maxQuads} quads at record ${outcome.appliedSeq} of ${untilSeq}`,
      );
    }
    run.push(record);
    runBytes += 'data' in record.op ? record.op.data.length : 'text' in record.op ? record.op.text.length : 0;
    if (maxQuads !== undefined && 'data' in record.op) runQuads += countLines(record.op.data);
    if (record.op.op === 'update') runUpdates++;
    const mayCross = maxQuads !== undefined && measured + linesSince + runQuads > maxQuads;
    if (runBytes >= RUN_BYTES || mayCross) applyRun();
  }
  if (run.length > 0) applyRun();
  return finish(engine, outcome, failures);
}

function countLines(text: string | Uint8Array): number {
  let lines = 0;
  if (typeof text === 'string') {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) lines++;
  } else {
    const bytes = asBuffer(text);
    for (let i = bytes.indexOf(0x0a); i >= 0; i = bytes.indexOf(0x0a, i + 1)) lines++;
  }
  return lines;
}

/** The log records after the snapshot, in order, stopping at `untilSeq` without reading past it. */
function* recordsAfter(segments: DirEntry[], snapshotSeq: number, untilSeq: number): Generator<LogRecord> {
  for (const [index, segment] of segments.entries()) {
    const next = segments[index + 1];
    if (next && next.seq <= snapshotSeq + 1) continue; // wholly inside the snapshot
    if (segment.seq > untilSeq) return;
    for (const record of readSegment(segment.path)) {
      if (record.seq <= snapshotSeq) continue;
      if (record.seq > untilSeq) return;
      yield record;
      if (record.seq === untilSeq) return;
    }
  }
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

function snapshotProblem(path: string, dir: string, error: unknown): string {
  const why = error instanceof Error ? error.message : String(error);
  const what = error instanceof SnapshotDamagedError ? why : `The snapshot ${path} cannot be read (${why}).`;
  return (
    `${what} Start-up is refused: loading it would serve less or other data than was acknowledged. ` +
    `Restore the data directory from a backup; or, accepting whatever the snapshot lost, run \`provml recover --data ${dir} --accept-loss\` ` +
    '(it loads the snapshot as it is, keeps a copy of every file it changes under damaged-<time>/, and writes a checked snapshot).'
  );
}
