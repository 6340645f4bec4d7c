import type { FileHandle } from 'node:fs/promises';
import { HEADER_BYTES } from './frame.ts';

interface PendingRecord {
  seq: number;
  bytes: Buffer;
  onDurable: ((offset: number) => void) | undefined;
  resolve: () => void;
  reject: (error: Error) => void;
}

export interface RecordLogOptions {
  /**
   * Opens the file that holds the records from `firstSeq` on, for appending (and reading, if the log is read
   * back through `read`). Called at open and whenever a new file starts.
   */
  openFile: (firstSeq: number) => Promise<FileHandle>;
  /** A file never holds more records; then a new one starts (default: one file for ever). */
  recordsPerFile?: number;
  /** Runs after each batch is durable and acknowledged. */
  afterBatch?: () => void;
  /** The error every append gets once a write or fsync failed (nothing written later can be trusted). */
  failure: (cause: Error) => Error;
}

export interface RecordLogCounters {
  records: number;
  syncs: number;
  bytes: number;
}

/**
 * Appends framed records (see frame.ts) with group commit: records that arrive while an fsync is under way
 * wait together and share the next one, and an append resolves only once its record is on disk. Every file
 * operation runs on one serial lane, so batches, file changes and truncation never interleave.
 */
export class RecordLog {
  private pending: PendingRecord[] = [];
  private scheduled = false;
  private lane: Promise<void> = Promise.resolve();
  private failed: Error | undefined;
  private lastSeq: number;
  private readonly recordsPerFile: number;
  /** Log bytes written since the last `rotate` (set by the owner after a scan). */
  bytesSinceRotation = 0;
  readonly counters: RecordLogCounters = { records: 0, syncs: 0, bytes: 0 };

  private constructor(
    private file: FileHandle,
    private fileFirst: number,
    private fileSize: number,
    private readonly options: RecordLogOptions,
  ) {
    this.lastSeq = fileFirst - 1;
    this.recordsPerFile = options.recordsPerFile ?? Number.POSITIVE_INFINITY;
  }

  /** Opens (or creates) the file the record after `lastSeq` goes to; appending continues at its end. */
  static async open(lastSeq: number, options: RecordLogOptions): Promise<RecordLog> {
    const file = await options.openFile(lastSeq + 1);
    const { size } = await file.stat();
    return new RecordLog(file, lastSeq + 1, size, options);
  }

  /** Bytes in the current file. */
  get size(): number {
    return this.fileSize;
  }

  /**
   * Resolves once the record (`bytes`, from encodeRecord) is on disk. `onDurable` runs first, synchronously
   * and in sequence order, with the record's offset in its file, so the caller can hand it on in log order.
   */
  append(seq: number, bytes: Buffer, onDurable?: (offset: number) => void): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    return new Promise((resolve, reject) => {
      this.pending.push({ seq, bytes, onDurable, resolve, reject });
      if (this.scheduled) return;
      this.scheduled = true;
      this.lane = this.lane.then(() => this.flushBatch());
    });
  }

  /** The payload of the record at `offset` of the current file. */
  async read(offset: number, length: number): Promise<Buffer> {
    const buffer = Buffer.alloc(length);
    await this.file.read(buffer, 0, length, offset + HEADER_BYTES);
    return buffer;
  }

  /**
   * Starts a new file after the last durable record. `atBoundary` receives that record's sequence number
   * before any later record is handed on, so work requested there sees exactly the log up to it.
   */
  rotate(atBoundary: (seq: number) => void): Promise<void> {
    return this.onLane(async () => {
      const boundary = this.lastSeq;
      atBoundary(boundary);
      await this.startFile(boundary + 1);
      this.bytesSinceRotation = 0;
    });
  }

  /** Empties the current file if `when()` still holds once the appends before this call are durable. */
  empty(when: () => boolean): Promise<void> {
    return this.onLane(async () => {
      if (this.pending.length > 0 || !when()) return;
      await this.file.truncate(0);
      await this.file.datasync();
      this.fileSize = 0;
    });
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

  private onLane(task: () => Promise<void>): Promise<void> {
    const run = this.lane.then(async () => {
      if (this.failed) throw this.failed;
      await task();
    });
    this.lane = run.catch(() => undefined);
    return run;
  }

  private async flushBatch(): Promise<void> {
    this.scheduled = false;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    const offsets: number[] = [];
    try {
      if (this.failed) throw this.failed;
      for (let start = 0; start < batch.length; ) {
        const room = this.fileFirst + this.recordsPerFile - (batch[start] as PendingRecord).seq;
        if (room <= 0) {
          await this.startFile((batch[start] as PendingRecord).seq);
          continue;
        }
        const part = batch.slice(start, start + room);
        for (const record of part) {
          offsets.push(this.fileSize);
          this.fileSize += record.bytes.length;
        }
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
      this.failed ??= this.options.failure(error as Error);
      for (const record of batch) record.reject(this.failed);
      return;
    }
    batch.forEach((record, index) => {
      record.onDurable?.(offsets[index] as number);
    });
    for (const record of batch) record.resolve();
    this.options.afterBatch?.();
  }

  private async startFile(firstSeq: number): Promise<void> {
    await this.file.close();
    this.file = await this.options.openFile(firstSeq);
    this.fileFirst = firstSeq;
    this.fileSize = (await this.file.stat()).size;
  }
}
