import { createReadStream } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { eventsInLine } from '../capture/index.ts';

/** Where reading resumes: a byte offset (NDJSON) or an item index (JSON array file), with the line count so far. */
export interface Position {
  offset: number;
  line: number;
}

export interface FileBatch {
  /** One JSON text per item. */
  items: string[];
  /** The file line (NDJSON) or 1-based array position of each item, for error messages. */
  lines: number[];
  /** Where the next batch starts: what the progress file records once this batch is acknowledged. */
  end: Position;
}

const NEWLINE = 0x0a;

/** True when the file holds one JSON array rather than NDJSON (first non-blank character is '['). */
export async function isJsonArrayFile(path: string): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(256);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('utf8').trimStart().startsWith('[');
  } finally {
    await handle.close();
  }
}

/**
 * NDJSON lines in batches of up to `batchSize` events (a metric series' line counts as its events, and a batch
 * holds at least one line), streamed from `start`, so a file of any size is read with bounded memory.
 */
export async function* ndjsonBatches(
  path: string,
  start: Position,
  batchSize: number,
): AsyncGenerator<FileBatch> {
  let items: string[] = [];
  let lines: number[] = [];
  let events = 0;
  let { offset, line } = start;
  let carry: Buffer = Buffer.alloc(0);
  const take = (raw: Buffer): void => {
    line += 1;
    const text = raw.toString('utf8').replace(/\r$/, '');
    if (text.trim() === '') return;
    items.push(text);
    lines.push(line);
    events += eventsInLine(text);
  };
  for await (const chunk of createReadStream(path, { start: start.offset, highWaterMark: 1 << 20 })) {
    const data = carry.length > 0 ? Buffer.concat([carry, chunk as Buffer]) : (chunk as Buffer);
    let from = 0;
    for (let newline = data.indexOf(NEWLINE, from); newline !== -1; newline = data.indexOf(NEWLINE, from)) {
      take(data.subarray(from, newline));
      offset += newline - from + 1;
      from = newline + 1;
      if (events >= batchSize) {
        yield { items, lines, end: { offset, line } };
        items = [];
        lines = [];
        events = 0;
      }
    }
    carry = data.subarray(from);
  }
  if (carry.length > 0) {
    take(carry);
    offset += carry.length;
  }
  if (items.length > 0) yield { items, lines, end: { offset, line } };
}

/** A JSON array file in batches of items; positions count items. */
export async function* jsonArrayBatches(
  path: string,
  start: Position,
  batchSize: number,
): AsyncGenerator<FileBatch> {
  const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
  if (!Array.isArray(parsed)) throw new Error('the file starts with [ but is not a JSON array');
  for (let index = start.line; index < parsed.length; index += batchSize) {
    const slice = parsed.slice(index, index + batchSize);
    const end = index + slice.length;
    yield {
      items: slice.map((item) => JSON.stringify(item)),
      lines: slice.map((_, i) => index + i + 1),
      end: { offset: end, line: end },
    };
  }
}
