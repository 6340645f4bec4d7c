import { lineOf } from './metric-event.ts';
import { SpillFile } from './spill-file.ts';
import type { Warner } from './warnings.ts';

export interface Batch {
  lines: string[];
  /** Events the batch takes from its source (more than `lines` when some could not be serialized). */
  count: number;
  /** Removes the batch from where it came from (it was delivered, rejected or moved back to the head). */
  remove(): Promise<void>;
  /** Taken from the in-memory buffer (not from the re-queued head or the spill file). */
  fromMemory: boolean;
}

/**
 * Undelivered events, oldest first, in three places: `head` (lines re-queued after a split batch) → the spill file
 * → `memory` (event objects, serialized only when sent or spilled). Only one pump at a time calls the async
 * methods, so the three never change under a send; `push` only appends to memory.
 */
export class DeliveryQueue {
  private memory: object[] = [];
  private head: string[] = [];
  readonly spill: SpillFile;

  constructor(
    spillPath: string,
    private readonly maxInMemory: number,
    private readonly warner: Warner,
  ) {
    this.spill = new SpillFile(spillPath);
  }

  /** Appends an event; returns how many are now in memory. */
  push(event: object): number {
    return this.memory.push(event);
  }

  get pending(): number {
    return this.head.length + this.spill.pendingCount + this.memory.length;
  }

  /** Events waiting ahead of memory (re-queued lines and the spill file): always sent first, without waiting. */
  get backlog(): number {
    return this.head.length + this.spill.pendingCount;
  }

  get inMemory(): number {
    return this.memory.length;
  }

  /** Picks up a spill file left by an earlier process; returns how many events it holds. */
  async init(): Promise<number> {
    try {
      await this.spill.init();
    } catch (error) {
      this.warner.fault(`reading the spill file ${this.spill.path}`, error);
    }
    return this.spill.pendingCount;
  }

  async nextBatch(size: number): Promise<Batch | undefined> {
    if (this.head.length > 0) {
      const lines = this.head.slice(0, size);
      return {
        lines,
        count: lines.length,
        fromMemory: false,
        remove: async () => void this.head.splice(0, lines.length),
      };
    }
    if (this.spill.pendingCount > 0) {
      const spilled = await this.spill.readBatch(size);
      const { lines } = spilled;
      if (lines.length > 0)
        return {
          lines,
          count: lines.length,
          fromMemory: false,
          remove: () => this.spill.commit(spilled, lines.length),
        };
      await this.spill.commit(spilled, 0);
    }
    if (this.memory.length === 0) return undefined;
    const events = this.memory.slice(0, size);
    return {
      lines: this.serialize(events),
      count: events.length,
      fromMemory: true,
      remove: async () => void this.memory.splice(0, events.length),
    };
  }

  /** Puts lines back in front of everything (the good part of a refused batch, or a batch to split). */
  requeue(lines: string[]): void {
    this.head.unshift(...lines);
  }

  /**
   * Keeps memory within its bound by moving the oldest events (down to half the bound) to the spill file.
   * Returns how many events left memory (0: within bound, or the spill file could not be written).
   */
  async spillOverflow(): Promise<{ moved: number; dropped: number }> {
    if (this.memory.length <= this.maxInMemory) return { moved: 0, dropped: 0 };
    const moved = this.memory.slice(0, this.memory.length - Math.floor(this.maxInMemory / 2));
    const lines = this.serialize(moved);
    try {
      await this.spill.append(lines);
    } catch (error) {
      this.warner.fault(`writing the spill file ${this.spill.path}`, error);
      return { moved: 0, dropped: 0 };
    }
    this.memory.splice(0, moved.length);
    return { moved: moved.length, dropped: moved.length - lines.length };
  }

  /** Everything still undelivered goes to the spill file, oldest first (close() past its deadline). */
  async persistAll(): Promise<void> {
    await this.spill.persist(this.head, this.serialize(this.memory));
    this.head = [];
    this.memory = [];
  }

  private serialize(events: object[]): string[] {
    const lines: string[] = [];
    for (const event of events) {
      const line = lineOf(event);
      if (line !== undefined) lines.push(line);
      else
        this.warner.once('unserializable', 'provml client: dropped an event that is not JSON-serializable.');
    }
    return lines;
  }
}
