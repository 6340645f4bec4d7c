const NEWLINE = 0x0a;

/**
 * An NDJSON body written straight into bytes: no per-line string on the sender's path (building one, flattening
 * it and encoding it cost as much as the serialization itself). The buffer grows by doubling.
 */
export class NdjsonWriter {
  private bytes: Buffer;
  private end = 0;
  /** Lines ended so far. */
  lines = 0;
  /** Events those lines stand for (a metric series is one line of many). */
  events = 0;

  /** `reuse`: a buffer whose bytes nobody reads any more (a delivered batch's), taken when large enough. */
  constructor(capacity = 4096, reuse?: Buffer) {
    const size = Math.max(64, Math.ceil(capacity));
    this.bytes = reuse !== undefined && reuse.length >= size ? reuse : Buffer.allocUnsafe(size);
  }

  get length(): number {
    return this.end;
  }

  /** The whole buffer written into (the body is its start), to be reused once the body is no longer read. */
  get buffer(): Buffer {
    return this.bytes;
  }

  /** Pre-encoded UTF-8 bytes. */
  chunk(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.bytes.set(bytes, this.end);
    this.end += bytes.length;
  }

  /** Text known to be ASCII (a number's text). */
  ascii(text: string): void {
    this.reserve(text.length);
    const bytes = this.bytes;
    let end = this.end;
    for (let i = 0; i < text.length; i++) bytes[end++] = text.charCodeAt(i);
    this.end = end;
  }

  /** A number as JavaScript (and JSON) writes it; non-negative integers digit by digit, without a string. */
  number(value: number): void {
    // Integers of 31 bits in integer arithmetic (sequence numbers, epochs); any other number as String() writes it.
    if (!(value >= 0 && value <= 0x7fffffff && Number.isInteger(value))) {
      this.ascii(String(value));
      return;
    }
    let digits = 1;
    for (let rest = value; rest >= 10; rest = (rest / 10) | 0) digits += 1;
    this.reserve(digits);
    const bytes = this.bytes;
    let rest = value | 0;
    for (let i = this.end + digits - 1; i >= this.end; i--) {
      const tens = (rest / 10) | 0;
      bytes[i] = 0x30 + rest - tens * 10;
      rest = tens;
    }
    this.end += digits;
  }

  /** Any well-formed text (JSON.stringify's output: lone surrogates are escaped) as UTF-8. */
  text(text: string): void {
    this.reserve(text.length * 3);
    this.end += this.bytes.write(text, this.end);
  }

  /** Ends a line that stands for `events` events. */
  endLine(events = 1): void {
    this.reserve(1);
    this.bytes[this.end++] = NEWLINE;
    this.lines += 1;
    this.events += events;
  }

  /** Forgets what was written after `length` (a line abandoned half-way). */
  truncate(length: number): void {
    this.end = Math.min(this.end, length);
  }

  /** The bytes written (a view: the writer must not be written to afterwards). */
  body(): Buffer {
    return this.bytes.subarray(0, this.end);
  }

  private reserve(more: number): void {
    if (this.end + more <= this.bytes.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.end + more));
    this.bytes.copy(grown, 0, 0, this.end);
    this.bytes = grown;
  }
}

/**
 * The request body of lines already serialized (re-queued or spilled ones), written into one buffer of the
 * exact size: joining the lines into one string first and encoding that costs three times as much per event.
 */
export function ndjsonBody(lines: readonly string[]): Buffer {
  let size = lines.length;
  for (const line of lines) size += Buffer.byteLength(line);
  const body = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const line of lines) {
    offset += body.write(line, offset);
    body[offset++] = NEWLINE;
  }
  return body;
}

/**
 * The lines of an NDJSON body as text, for the rare paths that need them (a retry puts them back at the head of
 * the queue, a refusal is split per line). The body is valid UTF-8 (encoded from well-formed text), so encoding
 * these lines again gives the very bytes.
 */
export function linesOf(body: Buffer): string[] {
  const lines: string[] = [];
  let start = 0;
  while (start < body.length) {
    let end = body.indexOf(NEWLINE, start);
    if (end < 0) end = body.length;
    lines.push(body.toString('utf8', start, end));
    start = end + 1;
  }
  return lines;
}

/** The head of a metric series' line as the clients write it: its count comes first (src/capture/series.ts). */
export const SERIES_HEAD = '{"type":"evaluation.series","count":';

/**
 * Events a line written by a client stands for: a series' count, else 1. It reads the count where the clients
 * write it (capture's `eventsInLine` reads any series, but would load the capture layer into the client).
 */
export function eventsInLine(line: string): number {
  if (!line.startsWith(SERIES_HEAD)) return 1;
  const count = Number.parseInt(line.slice(SERIES_HEAD.length, SERIES_HEAD.length + 12), 10);
  return Number.isInteger(count) && count > 0 ? count : 1;
}

/** Events the lines stand for. */
export function eventsInLines(lines: readonly string[]): number {
  let events = 0;
  for (const line of lines) events += eventsInLine(line);
  return events;
}
