import { StoreReadOnlyError } from '../../errors.ts';
import type { LogRecord } from './wal-format.ts';

// Oxigraph's WASM store dies ("RuntimeError: unreachable") when its 4 GiB linear memory is exhausted,
// measured at about 13.6 million quads in Node 20. The ceiling refuses writes before that point.

/** Counting the engine's quads is a full scan (about 0.1 s per million), so it is not done per write. */
const MEASURE_EVERY_MS = 5_000;

/**
 * Tracks the engine's size as the main thread sees it: the last size the worker measured plus what the
 * writes since then add (as parsed, so an over-estimate when they repeat quads), which keeps the check
 * conservative while the worker lags behind. Only an INSERT … WHERE can add more than estimated.
 */
export class QuadCeiling {
  private applied = 0;
  private pending = new Map<number, number>();
  private measuredAt = 0;

  constructor(readonly maxQuads: number | undefined) {}

  get projected(): number {
    let total = this.applied;
    for (const added of this.pending.values()) total += added;
    return total;
  }

  /**
   * Throws StoreReadOnlyError (code Full) when the write could take the store past its limit. `added`: what the
   * write adds to an empty store; `mayAdd`: whether it can add quads at all (an update's parse tells).
   */
  check(added: number, mayAdd: boolean): void {
    const max = this.maxQuads;
    if (max === undefined) return;
    const projected = this.projected;
    const crosses = added > 0 ? projected + added > max : projected >= max && mayAdd;
    if (!crosses) return;
    throw new StoreReadOnlyError(
      `The embedded store holds about ${projected} quads and this write would add ${added || 'more'}, past its limit of ${max} (maxQuads / PROVML_MAX_QUADS). ` +
        'Reads, export and graph deletion still work. To write again: export what you need (provml export), drop old graphs ' +
        '(DROP GRAPH, or DELETE /store?graph=…), or switch to a server engine (PROVML_STORE=sparql).',
    );
  }

  /** Why writes that add quads are refused right now, if they are. */
  fullReason(): string | undefined {
    const max = this.maxQuads;
    if (max === undefined || this.projected < max) return undefined;
    return `The store holds about ${this.projected} quads, at its limit of ${max} (maxQuads / PROVML_MAX_QUADS): writes that add quads are refused (507); reads, export and graph deletion work. Export what you need, drop old graphs, or switch to a server engine (PROVML_STORE=sparql).`;
  }

  logged(seq: number, added: number): void {
    if (this.maxQuads !== undefined && added > 0) this.pending.set(seq, added);
  }

  /**
   * Measure after anything but a plain load (updates and graph replacement or deletion change the size
   * in ways only the engine knows), and now and then once the store is past half its limit.
   */
  wantsMeasure(records: LogRecord[]): boolean {
    if (this.maxQuads === undefined) return false;
    if (records.some((record) => record.op.op !== 'load')) return true;
    return this.projected >= this.maxQuads / 2 && Date.now() - this.measuredAt >= MEASURE_EVERY_MS;
  }

  appliedUpTo(seq: number, quads: number | undefined): void {
    for (const [pendingSeq, added] of this.pending) {
      if (pendingSeq > seq) continue;
      if (quads === undefined) this.applied += added;
      this.pending.delete(pendingSeq);
    }
    if (quads !== undefined) {
      this.applied = quads;
      this.measuredAt = Date.now();
    }
  }
}
