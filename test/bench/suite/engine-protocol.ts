// Messages between the suite and its engine child process (one process per loaded data set, so memory
// figures are that engine's own and a runaway query can be stopped by ending the process).

export type QueryEngineName = 'native' | 'comunica';

export type EngineRequest =
  | { op: 'load'; files: string[] }
  | { op: 'rawload'; files: string[] }
  | { op: 'query'; engine: QueryEngineName; query: string; warmup: number; reps: number; budgetMs: number };

export interface LoadReply {
  ms: number;
  /** Building the online state from the loaded facts (src/store/online-state.ts), after `ms`: bulk-loaded data
   *  did not come through the capture path that keeps it as events arrive. */
  stateMs?: number;
  quads: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
}

export interface QueryReply {
  /** Milliseconds of each measured repetition (warm-up excluded). */
  samples: number[];
  warmupMs: number[];
  rows: number;
  /** The engine gave up (its own time limit) before a first result. */
  timedOut?: boolean;
}

export type EngineReply = { ok: true; value: LoadReply | QueryReply } | { ok: false; error: string };

/** Sent after each query run: the parent's time limit applies to one run, not to all repetitions. */
export interface EngineProgress {
  progress: number;
}
