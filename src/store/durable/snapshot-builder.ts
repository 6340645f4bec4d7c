import { rmSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { snapshotPath } from './files.ts';
import type { RecoverOutcome, SnapshotOutcome } from './protocol.ts';
import { BACKGROUND_NICE } from './thread-priority.ts';
import { firstAnswer } from './worker-host.ts';

/** The build was stopped (the store is closing): nothing was written under the snapshot's name. */
export class SnapshotCancelledError extends Error {
  constructor() {
    super('the background snapshot was cancelled');
    this.name = 'SnapshotCancelledError';
  }
}

/** Writes the snapshot at a log position; the durable store's default is the builder below. */
export interface SnapshotWriter {
  build(seq: number): Promise<SnapshotOutcome>;
  /** Stops a build in progress; its promise rejects with SnapshotCancelledError. */
  cancel(): Promise<void>;
}

/**
 * Writes the snapshot at `seq` in a worker of its own, never on the live engine: a second engine is
 * rebuilt from the newest snapshot and the log up to `seq` (files that no longer change below `seq`:
 * the log was rotated there and every record up to it is on disk) and dumps itself. So the live engine
 * keeps applying writes and answering queries while the store is written out, as Redis rewrites its
 * AOF in a child. The price: while a build runs it holds a second copy of the store in memory and
 * replays it, on another core. Replay is what restart does, so the file is what a restart would build.
 * Its thread runs at a lower priority (thread-priority.ts), so that it takes the CPU the serving threads leave.
 */
export class BackgroundSnapshotBuilder implements SnapshotWriter {
  private worker: Worker | undefined;
  private cancelled = false;
  /** The nice value the last build's thread ran at; undefined where it could not be lowered. */
  lastBuildNice: number | undefined;

  constructor(private readonly dir: string) {}

  async build(seq: number): Promise<SnapshotOutcome> {
    if (this.worker) throw new Error('a background snapshot is already being built');
    this.cancelled = false;
    const worker = new Worker(new URL('./worker.js', import.meta.url));
    this.worker = worker;
    try {
      this.lastBuildNice =
        (await firstAnswer<number | null>(worker, { id: 0, kind: 'lowerPriority', nice: BACKGROUND_NICE })) ??
        undefined;
      const recovered = await firstAnswer<RecoverOutcome>(worker, {
        id: 1,
        kind: 'recover',
        dir: this.dir,
        untilSeq: seq,
      });
      if (recovered.appliedSeq !== seq)
        throw new Error(
          `the log up to record ${seq} could not be replayed (it stopped at ${recovered.appliedSeq})`,
        );
      return await firstAnswer<SnapshotOutcome>(worker, { id: 2, kind: 'snapshot', dir: this.dir, seq });
    } catch (error) {
      // What a build cut short leaves is never read (start-up removes *.tmp too), but it takes room.
      rmSync(`${snapshotPath(this.dir, seq)}.tmp`, { force: true });
      throw this.cancelled ? new SnapshotCancelledError() : error;
    } finally {
      this.worker = undefined;
      await worker.terminate();
    }
  }

  async cancel(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    this.cancelled = true;
    await worker.terminate();
  }
}
