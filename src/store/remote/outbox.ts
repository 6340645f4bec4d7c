import { closeSync, fsyncSync, ftruncateSync, openSync } from 'node:fs';
import { mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import {
  encodeRecord,
  HEADER_BYTES,
  type RecordEntry,
  RecordLog,
  readCursor,
  scanRecords,
  writeCursor,
} from '../record-log/index.ts';

// The outbox: acknowledged writes waiting for the remote engine. A record log (see store/record-log/) in
// one file, fsync'ed (group commit) before the append resolves, plus a cursor file naming the last sequence
// number the engine confirmed. Records after the cursor are redelivered after a restart; the file is
// emptied once all are delivered.

const LOG = 'outbox.log';
const CURSOR = 'outbox.cursor';
/** Empty the log once everything in it is delivered and it has grown past this. */
const COMPACT_BYTES = 4 << 20;

export type OutboxEntry = RecordEntry;

export class Outbox {
  private readonly pending: OutboxEntry[] = [];
  /** Appended, not yet durable. */
  private appending = 0;

  private constructor(
    private readonly dir: string,
    private readonly log: RecordLog,
    private nextSeq: number,
    private delivered: number,
  ) {}

  static async open(dir: string): Promise<Outbox> {
    await mkdir(dir, { recursive: true });
    const delivered = await readCursor(join(dir, CURSOR));
    const path = join(dir, LOG);
    const entries: OutboxEntry[] = [];
    const lastSeq = Math.max(repair(path, entries), delivered);
    const log = await RecordLog.open(lastSeq, {
      openFile: () => open(path, 'a+'),
      failure: (cause) =>
        new Error(
          `Writing the outbox ${path} failed (${cause.message}); restart provml once the disk is healthy (acknowledged writes are safe).`,
        ),
    });
    const outbox = new Outbox(dir, log, lastSeq + 1, delivered);
    outbox.pending.push(...entries.filter((e) => e.seq > delivered));
    return outbox;
  }

  get directory(): string {
    return this.dir;
  }

  /** Sequence number of the last acknowledged (appended) record. */
  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  get deliveredSeq(): number {
    return this.delivered;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Appends a record; resolves with its sequence number once it is on disk. */
  async append(payload: object): Promise<number> {
    const seq = this.nextSeq++;
    const frame = encodeRecord(seq, payload);
    this.appending += 1;
    try {
      await this.log.append(seq, frame, (offset) => {
        this.pending.push({ seq, offset, length: frame.length - HEADER_BYTES });
      });
    } finally {
      this.appending -= 1;
    }
    return seq;
  }

  /** The oldest undelivered records, in order. */
  peek(max: number): OutboxEntry[] {
    return this.pending.slice(0, max);
  }

  async read(entry: OutboxEntry): Promise<Record<string, unknown>> {
    const payload = await this.log.read(entry.offset, entry.length);
    return JSON.parse(payload.toString('utf8')) as Record<string, unknown>;
  }

  /** Records everything up to `seq` as confirmed by the engine. */
  async markDelivered(seq: number): Promise<void> {
    while (this.pending.length > 0 && (this.pending[0] as OutboxEntry).seq <= seq) this.pending.shift();
    this.delivered = Math.max(this.delivered, seq);
    await writeCursor(join(this.dir, CURSOR), this.delivered);
    const allDelivered = (): boolean => this.pending.length === 0 && this.appending === 0;
    if (allDelivered() && this.log.size > COMPACT_BYTES) await this.log.empty(allDelivered);
  }

  async close(): Promise<void> {
    await this.log.close();
  }
}

/**
 * Reads the records of the outbox file, cutting off a torn tail; refuses damage (never drops an acknowledged
 * write). Returns the last sequence number in the file (0 when empty).
 */
function repair(path: string, entries: OutboxEntry[]): number {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw error;
  }
  try {
    const scanned = scanRecords(fd, { onRecord: (_, entry) => entries.push(entry) });
    const { damage } = scanned;
    if (damage && !damage.torn) {
      const why =
        damage.kind === 'misnumbered'
          ? `record ${damage.seq} where a record after ${damage.expected - 1} was expected`
          : `${damage.reason}${damage.validFollows ? ' with records after it' : ', a record complete by its length (not a write torn by a crash)'}`;
      throw new Error(
        `The outbox ${path} is damaged at byte ${damage.offset} (${why}); move it aside and re-send the writes it held.`,
      );
    }
    if (scanned.end < scanned.size) {
      ftruncateSync(fd, scanned.end);
      fsyncSync(fd);
    }
    return scanned.lastSeq ?? 0;
  } finally {
    closeSync(fd);
  }
}
