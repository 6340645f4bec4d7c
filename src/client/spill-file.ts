import { createReadStream, createWriteStream } from 'node:fs';
import { appendFile, open, rename, rm, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { eventsInLine, eventsInLines, SERIES_HEAD } from './ndjson-writer.ts';

const NEWLINE = 0x0a;
const CHUNK_BYTES = 256 * 1024;

export interface SpilledBatch {
  lines: string[];
  /** Byte offset just after the last line of the batch: commit it once the batch is delivered. */
  endOffset: number;
}

/**
 * The overflow of the in-memory buffer: an NDJSON file holding the OLDEST undelivered events, read back in
 * order from a byte offset and removed once everything in it is delivered. One writer (the recorder's pump).
 * Plain NDJSON rather than the store's record log: people and `provml ingest` read it as it is, and its events
 * are not yet acknowledged by anyone, so an append needs no fsync.
 */
export class SpillFile {
  private offset = 0;
  private pending = 0;
  private initialized = false;

  constructor(readonly path: string) {}

  get pendingCount(): number {
    return this.pending;
  }

  /** Picks up a spill file left by an earlier process, so its events are delivered first. */
  async init(): Promise<void> {
    if (this.initialized) return;
    this.initialized = true;
    const size = await fileSize(this.path);
    if (size === 0) return;
    const handle = await open(this.path, 'r');
    try {
      const buffer = Buffer.alloc(CHUNK_BYTES);
      let position = 0;
      let last = NEWLINE;
      while (position < size) {
        const { bytesRead } = await handle.read(buffer, 0, CHUNK_BYTES, position);
        if (bytesRead === 0) break;
        for (let i = 0; i < bytesRead; i++) if (buffer[i] === NEWLINE) this.pending += 1;
        last = buffer[bytesRead - 1] ?? NEWLINE;
        position += bytesRead;
      }
      // A torn last line (crash mid-append) becomes a line of its own; the server rejects it visibly.
      if (last !== NEWLINE) {
        await appendFile(this.path, '\n');
        this.pending += 1;
      }
    } finally {
      await handle.close();
    }
    // A metric series is one line of many events: a second pass counts those (a rare path: a spill file left).
    for await (const line of createInterface({
      input: createReadStream(this.path),
      crlfDelay: Number.POSITIVE_INFINITY,
    }))
      if (line.startsWith(SERIES_HEAD)) this.pending += eventsInLine(line) - 1;
  }

  async append(lines: string[]): Promise<void> {
    if (lines.length === 0) return;
    await appendFile(this.path, `${lines.join('\n')}\n`);
    this.pending += eventsInLines(lines);
  }

  /** The next (at most `maxLines`) complete lines after the delivered offset. */
  async readBatch(maxLines: number): Promise<SpilledBatch> {
    const handle = await open(this.path, 'r');
    try {
      const lines: string[] = [];
      let position = this.offset;
      let carry = Buffer.alloc(0);
      while (lines.length < maxLines) {
        const chunk = Buffer.alloc(CHUNK_BYTES);
        const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, position + carry.length);
        if (bytesRead === 0) break;
        const data = Buffer.concat([carry, chunk.subarray(0, bytesRead)]);
        let start = 0;
        for (let i = 0; i < data.length && lines.length < maxLines; i++) {
          if (data[i] !== NEWLINE) continue;
          const line = data.subarray(start, i).toString('utf8');
          if (line.trim() !== '') lines.push(line);
          start = i + 1;
        }
        position += start;
        carry = data.subarray(start);
      }
      return { lines, endOffset: position };
    } finally {
      await handle.close();
    }
  }

  /**
   * Keeps undelivered events for later, oldest first: `olderLines` (re-queued before anything in the file),
   * then what the file still holds, then `newerLines`. Compacts away the delivered prefix when it rewrites.
   */
  async persist(olderLines: string[], newerLines: string[]): Promise<void> {
    if (olderLines.length === 0) {
      await this.append(newerLines);
      return;
    }
    const temporary = `${this.path}.tmp`;
    await appendFile(temporary, `${olderLines.join('\n')}\n`, { flag: 'w' });
    if (this.pending > 0) {
      await pipeline(
        createReadStream(this.path, { start: this.offset }),
        createWriteStream(temporary, { flags: 'a' }),
      );
    }
    if (newerLines.length > 0) await appendFile(temporary, `${newerLines.join('\n')}\n`);
    await rename(temporary, this.path);
    this.offset = 0;
    this.pending += eventsInLines(olderLines) + eventsInLines(newerLines);
  }

  /** Marks a batch from readBatch as delivered (`count` events); removes the file once nothing in it is pending. */
  async commit(batch: SpilledBatch, count: number): Promise<void> {
    this.offset = batch.endOffset;
    this.pending = Math.max(0, this.pending - count);
    if (this.offset >= (await fileSize(this.path))) {
      await rm(this.path, { force: true });
      this.offset = 0;
      this.pending = 0;
    }
  }
}

async function fileSize(path: string): Promise<number> {
  try {
    return (await stat(path)).size;
  } catch {
    return 0;
  }
}
