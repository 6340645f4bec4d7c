import { type FileHandle, open } from 'node:fs/promises';
import { ProvmlError } from '../../errors.ts';
import { fsyncDir, segmentPath } from './files.ts';
import { RECORDS_PER_SEGMENT } from './manifest.ts';

interface PendingRecord {
  seq: number;
  bytes: Buffer;
  onDurable: () => void;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface WalWriterOptions {
  /** Runs after each batch is durable and acknowledged. */
  afterBatch: () => void;
  /** Runs when a new segment file exists, before any record is written into it. */
  segmentCreated: (firstSeq: number) => void;
  /** A segment never holds more records (default RECORDS_PER_SEGMENT); then a new one starts. */
  recordsPerSegment?: number;
}

export interface WalCounters {
  records: number;
  syncs: number;
  bytes: number;
}

/**
 * Appends records to the current log segment with group commit: records that arrive while an fsync
 * is under way wait together and share the next one. Every file operation runs on one serial lane,
 * so batches and segment rotations never interleave.
 */
export class WalWriter {
  private pending: PendingRecord[] = [];
  private scheduled = false;
  private lane: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  private lastSeq: number;
  bytesSinceRotation = 0;
  readonly counters: WalCounters = { records: 0, syncs: 0, bytes: 0 };

  private readonly recordsPerSegment: number;

  private constructor(
    private readonly dir: string,
    private file: FileHandle,
    private segmentFirst: number,
    private readonly options: WalWriterOptions,
  ) {
    this.lastSeq = segmentFirst - 1;
    this.recordsPerSegment = options.recordsPerSegment ?? RECORDS_PER_SEGMENT;
  }

  /** Opens (or creates) the segment that starts after `lastSeq`. */
  static async open(dir: string, lastSeq: number, options: WalWriterOptions): Promise<WalWriter> {
    const file = await openSegment(dir, lastSeq + 1, options);
    return new WalWriter(dir, file, lastSeq + 1, options);
  }

  /**
   * Resolves once the record is on disk. `onDurable` runs first, synchronously and in sequence order,
   * so the caller can hand the write to the engine in exactly log order.
   */
  append(seq: number, bytes: Buffer, onDurable: () => void): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ seq, bytes, onDurable, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      this.lane = this.lane.then(() => this.flushBatch());
    });
  }

  /**
   * Starts a new segment after the last durable record. `atBoundary` receives that record's sequence
   * number before any later record is handed on, so a snapshot requested there sees exactly the log
   * up to it.
   */
  rotate(atBoundary: (seq: number) => void): Promise<void> {
    const task = this.lane.then(async () => {
      if (this.failure) throw this.failure;
      const boundary = this.lastSeq;
      atBoundary(boundary);
      await this.startSegment(boundary + 1);
      this.bytesSinceRotation = 0;
    });
    this.lane = task.catch(() => undefined);
    return task;
  }

  /** Waits until every record appended so far is durable (or failed). */
  async idle(): Promise<void> {
    for (let lane = this.lane; ; lane = this.lane) {
      await lane;
      if (lane === this.lane && !this.scheduled) return;
    }
  }

  async close(): Promise<void> {
    await this.idle();
    await this.file.close();
  }

  private async flushBatch(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      if (this.failure) throw this.failure;
      for (let start = 0; start < batch.length; ) {
        const room = this.segmentFirst + this.recordsPerSegment - (batch[start] as PendingRecord).seq;
        if (room <= 0) {
          await this.startSegment((batch[start] as PendingRecord).seq);
          continue;
        }
        const part = batch.slice(start, start + room);
        const bytes = Buffer.concat(part.map((r) => r.bytes));
        await this.file.appendFile(bytes);
        await this.file.datasync();
        this.counters.syncs += 1;
        this.counters.bytes += bytes.length;
        this.bytesSinceRotation += bytes.length;
        start += part.length;
      }
      this.counters.records += batch.length;
      this.lastSeq = batch.at(-1)?.seq ?? this.lastSeq;
    } catch (error) {
      // After a failed fsync the kernel may have dropped the dirty pages: nothing more can be trusted.
      this.failure ??= new ProvmlError(
        503,
        `Writing the log in ${this.dir} failed (${(error as Error).message}); restart provml once the disk is healthy (acknowledged writes are safe).`,
      );
      for (const record of batch) record.reject(this.failure);
      return;
    }
    for (const record of batch) record.onDurable();
    for (const record of batch) record.resolve();
    this.options.afterBatch();
  }

  private async startSegment(firstSeq: number): Promise<void> {
    await this.file.close();
    this.file = await openSegment(this.dir, firstSeq, this.options);
    this.segmentFirst = firstSeq;
  }
}

async function openSegment(dir: string, firstSeq: number, options: WalWriterOptions): Promise<FileHandle> {
  const file = await open(segmentPath(dir, firstSeq), 'a');
  fsyncDir(dir);
  options.segmentCreated(firstSeq);
  return file;
}
