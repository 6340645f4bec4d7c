import type { OxigraphEngine } from '../engine.ts';
import { ReplayCrashError } from './protocol.ts';
import { asBuffer, type LoggedOp, type LogRecord, writeOpOf } from './wal-format.ts';

// Oxigraph's in-memory load costs time in proportion to the store's size on every call, so a
// thousand small loads into a big store are far slower than one load of the same quads. Consecutive
// plain N-Quads loads are therefore handed to the engine as one streaming load. Loads holding blank
// nodes stay separate: each load gets its own blank-node scope, and merging would join their nodes.
// A record read from the log gives its bytes, which the engine parses without a string made of them.

function isMergeable(op: LoggedOp): op is Extract<LoggedOp, { op: 'load' }> {
  return (
    op.op === 'load' &&
    op.format === 'application/n-quads' &&
    !op.graph &&
    !op.baseIri &&
    !(typeof op.data === 'string' ? op.data.includes('_:') : asBuffer(op.data).includes('_:'))
  );
}

const PIECE_BYTES = 8 << 20;

/**
 * Consecutive bodies joined into pieces of about 8 MiB: the engine parses a few large pieces faster than
 * thousands of small ones (a record of a 1,000-quad batch is ~160 KiB).
 */
function* inPieces(data: Array<string | Uint8Array>): Generator<string | Uint8Array> {
  let piece: Uint8Array[] = [];
  let bytes = 0;
  for (const item of data) {
    if (typeof item === 'string') {
      if (piece.length > 0) yield Buffer.concat(piece, bytes);
      piece = [];
      bytes = 0;
      yield item;
      continue;
    }
    piece.push(item);
    bytes += item.length;
    if (bytes >= PIECE_BYTES) {
      yield Buffer.concat(piece, bytes);
      piece = [];
      bytes = 0;
    }
  }
  if (piece.length > 0) yield Buffer.concat(piece, bytes);
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
    const data = run.map((record) => (record.op as Extract<LoggedOp, { op: 'load' }>).data);
    run = [];
    try {
      engine.loadNQuads(inPieces(data));
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
      engine.apply(writeOpOf(record.op), { validated: true });
    } catch (error) {
      if (error instanceof Error && error.name === 'RuntimeError')
        throw new ReplayCrashError(record.seq, error);
      onFailure(record.seq, error as Error);
    }
  }
  flush();
}
