import type { OxigraphEngine, WriteOp } from '../engine.ts';
import { ReplayCrashError } from './protocol.ts';
import type { LogRecord } from './wal-format.ts';

// Oxigraph's in-memory load costs time in proportion to the store's size on every call, so a
// thousand small loads into a big store are far slower than one load of the same quads. Consecutive
// plain N-Quads loads are therefore handed to the engine as one streaming load. Loads holding blank
// nodes stay separate: each load gets its own blank-node scope, and merging would join their nodes.

function isMergeable(op: WriteOp): op is Extract<WriteOp, { op: 'load' }> {
  return (
    op.op === 'load' &&
    op.format === 'application/n-quads' &&
    !op.graph &&
    !op.baseIri &&
    !op.data.includes('_:')
  );
}

/**
 * Applies durable (already validated) records in order. A record that fails on the data (an update
 * dropping a missing graph) is reported to `onFailure` and skipped; the engine dying (RuntimeError,
 * memory exhausted) is thrown as ReplayCrashError naming the first record it may have hit.
 */
export function applyRecords(
  engine: OxigraphEngine,
  records: LogRecord[],
  onFailure: (seq: number, error: Error) => void,
): void {
  let run: LogRecord[] = [];
  const flush = (): void => {
    if (run.length === 0) return;
    const first = run[0] as LogRecord;
    const data = run.map((record) => (record.op as Extract<WriteOp, { op: 'load' }>).data);
    run = [];
    try {
      engine.loadNQuads(data);
    } catch (error) {
      if (error instanceof Error && error.name === 'RuntimeError')
        throw new ReplayCrashError(first.seq, error);
      throw error;
    }
  };
  for (const record of records) {
    if (isMergeable(record.op)) {
      run.push(record);
      continue;
    }
    flush();
    try {
      engine.apply(record.op, { validated: true });
    } catch (error) {
      if (error instanceof Error && error.name === 'RuntimeError')
        throw new ReplayCrashError(record.seq, error);
      onFailure(record.seq, error as Error);
    }
  }
  flush();
}
