import { BadRequestError, type ErrorCode, ProvmlError } from '../../errors.ts';
import type { PageOptions } from '../dump-pages.ts';
import type { LogRecord } from './wal-format.ts';

// Messages between the store (main thread) and its engine worker. All plain data (structured clone).

export type CallMethod = 'query' | 'dumpGraph' | 'hasGraph' | 'listGraphs' | 'stats';

export type WorkerRequest =
  | { id: number; kind: 'recover'; dir: string; untilSeq: number; maxQuads?: number; acceptLoss?: boolean }
  | { id: number; kind: 'apply'; records: LogRecord[]; measure: boolean }
  | { id: number; kind: 'call'; method: CallMethod; args: unknown[] }
  | { id: number; kind: 'snapshot'; dir: string; seq: number }
  /** A background snapshot's worker steps aside for the threads that serve (answers its nice value). */
  | { id: number; kind: 'lowerPriority'; nice: number }
  // A dump sends `window` pages at once, then one more per `pull` (the host stored a page, in memory or
  // its spool): at most `window` pages are ever in transit. `pull` and `cancel` carry the dump's id.
  | { id: number; kind: 'dump'; pages: PageOptions; window: number }
  | { id: number; kind: 'pull' }
  | { id: number; kind: 'cancel' };

export interface WireError {
  name: string;
  /** Set for a ProvmlError: rebuilt on the other side as one with the same code. */
  code?: ErrorCode;
  message: string;
  /** The log record being replayed when the engine died, if it died replaying. */
  seq?: number;
}

/** The engine died (WASM memory exhausted) while replaying record `seq` at start-up. */
export class ReplayCrashError extends Error {
  constructor(
    readonly seq: number,
    cause: Error,
  ) {
    super(`the engine failed replaying log record ${seq}: ${cause.message}`, { cause });
    this.name = 'RuntimeError';
  }
}

export type WorkerResponse =
  | { id: number; ok: true; value: unknown }
  /** One page of a running dump (its end is the usual ok/error answer). */
  | { id: number; page: string }
  | { id: number; ok: false; error: WireError; fatal?: boolean };

export interface RecoverOutcome {
  quads: number;
  snapshotSeq: number;
  /** Last record applied; below `untilSeq` only when loading stopped at the size ceiling. */
  appliedSeq: number;
  replayed: number;
  warnings: string[];
  /** Set when start-up stopped loading at the size ceiling: the store is then read-only. */
  stoppedEarly?: string;
  /** The snapshot was an older provml's, without a checksum: it should be replaced by a checked one. */
  legacySnapshot?: boolean;
}

export interface ApplyOutcome {
  /** The engine's size, when measuring was asked for (Oxigraph counts quads one by one). */
  quads?: number;
  errors: Array<{ seq: number; error: WireError }>;
}

export interface SnapshotOutcome {
  path: string;
  quads: number;
  bytes: number;
}

export function toWireError(error: unknown): WireError {
  if (error instanceof ReplayCrashError) return { name: error.name, message: error.message, seq: error.seq };
  if (error instanceof ProvmlError) return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

export function fromWireError(wire: WireError): Error {
  if (wire.code === 'BadRequest') return new BadRequestError(wire.message);
  if (wire.code !== undefined) return new ProvmlError(wire.code, wire.message);
  if (wire.seq !== undefined) return new ReplayCrashError(wire.seq, new Error(wire.message));
  const error = new Error(wire.message);
  error.name = wire.name;
  return error;
}
