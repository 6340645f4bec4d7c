import { type FileHandle, mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

// The outbox: acknowledged writes waiting for the remote engine. An append-only file of records
// [u32 LE length][u32 LE CRC-32][JSON payload {"seq":n,...}], fsync'ed (group commit) before the
// append resolves, plus a cursor file naming the last sequence number the engine confirmed.
// Records after the cursor are redelivered after a restart; the file is emptied once all are delivered.

const LOG = 'outbox.log';
const CURSOR = 'outbox.cursor';
const HEADER = 8;
/** Empty the log once everything in it is delivered and it has grown past this. */
const COMPACT_BYTES = 4 << 20;

export interface OutboxEntry {
  seq: number;
  offset: number;
  length: number;
}

interface Waiting {
  seq: number;
  frame: Buffer;
  resolve: (seq: number) => void;
  reject: (error: unknown) => void;
}

export class Outbox {
  private readonly pending: OutboxEntry[] = [];
  private waiting: Waiting[] = [];
  private flushScheduled = false;
  private io: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private readonly file: FileHandle,
    private size: number,
    private nextSeq: number,
    private delivered: number,
  ) {}

  static async open(dir: string): Promise<Outbox> {
    await mkdir(dir, { recursive: true });
    const delivered = await readCursor(join(dir, CURSOR));
    const file = await open(join(dir, LOG), 'a+');
    let scanned: { entries: OutboxEntry[]; end: number };
    let data: Buffer;
    try {
      data = await file.readFile();
      scanned = scan(data, join(dir, LOG));
    } catch (error) {
      await file.close();
      throw error;
    }
    const { entries, end } = scanned;
    if (end < data.length) await file.truncate(end);
    const last = entries.at(-1)?.seq ?? delivered;
    const outbox = new Outbox(dir, file, end, Math.max(last, delivered) + 1, delivered);
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
  append(payload: object): Promise<number> {
    const seq = this.nextSeq++;
    const body = Buffer.from(`{"seq":${seq},${JSON.stringify(payload).slice(1)}`, 'utf8');
    const frame = Buffer.alloc(HEADER + body.length);
    frame.writeUInt32LE(body.length, 0);
    frame.writeUInt32LE(crc32(body), 4);
    body.copy(frame, HEADER);
    return new Promise<number>((resolve, reject) => {
      this.waiting.push({ seq, frame, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        this.serial(() => this.flush());
      }
    });
  }

  /** The oldest undelivered records, in order. */
  peek(max: number): OutboxEntry[] {
    return this.pending.slice(0, max);
  }

  async read(entry: OutboxEntry): Promise<Record<string, unknown>> {
    const buffer = Buffer.alloc(entry.length);
    await this.file.read(buffer, 0, entry.length, entry.offset + HEADER);
    return JSON.parse(buffer.toString('utf8')) as Record<string, unknown>;
  }

  /** Records everything up to `seq` as confirmed by the engine. */
  async markDelivered(seq: number): Promise<void> {
    while (this.pending.length > 0 && (this.pending[0] as OutboxEntry).seq <= seq) this.pending.shift();
    this.delivered = Math.max(this.delivered, seq);
    await writeCursor(join(this.dir, CURSOR), this.delivered);
    if (this.pending.length === 0 && this.waiting.length === 0 && this.size > COMPACT_BYTES) {
      await this.serial(async () => {
        if (this.pending.length > 0 || this.waiting.length > 0) return;
        await this.file.truncate(0);
        await this.file.datasync();
        this.size = 0;
      });
    }
  }

  async close(): Promise<void> {
    await this.io;
    await this.file.close();
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const result = this.io.then(task);
    this.io = result.catch(() => undefined);
    return result;
  }

  private async flush(): Promise<void> {
    this.flushScheduled = false;
    const batch = this.waiting;
    this.waiting = [];
    if (batch.length === 0) return;
    try {
      const frames = Buffer.concat(batch.map((w) => w.frame));
      await this.file.write(frames, 0, frames.length, this.size);
      await this.file.datasync();
      let offset = this.size;
      for (const w of batch) {
        this.pending.push({ seq: w.seq, offset, length: w.frame.length - HEADER });
        offset += w.frame.length;
      }
      this.size = offset;
      for (const w of batch) w.resolve(w.seq);
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}

/** Reads the framed records; stops at a torn tail, refuses damage in the middle (never drops acknowledged writes). */
function scan(data: Buffer, path: string): { entries: OutboxEntry[]; end: number } {
  const entries: OutboxEntry[] = [];
  let offset = 0;
  while (offset < data.length) {
    const record = frameAt(data, offset);
    if (!record) {
      if (data.indexOf('{"seq":', offset + HEADER + 1) >= 0 && laterFrameIsValid(data, offset)) {
        throw new Error(
          `The outbox ${path} is damaged at byte ${offset} with records after it; move it aside and re-send the writes it held.`,
        );
      }
      return { entries, end: offset };
    }
    entries.push(record);
    offset += HEADER + record.length;
  }
  return { entries, end: offset };
}

function frameAt(data: Buffer, offset: number): OutboxEntry | undefined {
  if (data.length - offset < HEADER) return undefined;
  const length = data.readUInt32LE(offset);
  if (length === 0 || data.length - offset - HEADER < length) return undefined;
  const body = data.subarray(offset + HEADER, offset + HEADER + length);
  if (crc32(body) !== data.readUInt32LE(offset + 4)) return undefined;
  const seq = /^\{"seq":(\d+),/.exec(body.subarray(0, 32).toString('utf8'))?.[1];
  return seq ? { seq: Number(seq), offset, length } : undefined;
}

function laterFrameIsValid(data: Buffer, from: number): boolean {
  for (let i = data.indexOf('{"seq":', from + HEADER + 1); i >= 0; i = data.indexOf('{"seq":', i + 1)) {
    if (frameAt(data, i - HEADER)) return true;
  }
  return false;
}

async function readCursor(path: string): Promise<number> {
  try {
    const value = Number.parseInt(await readFile(path, 'utf8'), 10);
    return Number.isFinite(value) ? value : 0;
  } catch {
    return 0;
  }
}

async function writeCursor(path: string, seq: number): Promise<void> {
  const tmp = `${path}.tmp`;
  const file = await open(tmp, 'w');
  try {
    await file.writeFile(`${seq}\n`);
    await file.datasync();
  } finally {
    await file.close();
  }
  await rename(tmp, path);
}
