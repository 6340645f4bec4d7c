import { createGunzip } from 'node:zlib';
import type { Request } from 'express';
import type { EventError } from '../../capture/index.ts';
import { BadRequestError, ProvmlError } from '../../errors.ts';
import { checkCharset, invalidUtf8, utf8Decoder } from '../body.ts';
import { PayloadTooLargeError } from '../errors.ts';

/** The parsed items of a request body, or every line that is not JSON. */
export type ParsedBody =
  | { ok: true; items: unknown[]; lines?: number[] }
  | { ok: false; errors: Array<EventError & { line?: number }> };

/**
 * Reads an events body. NDJSON is parsed line by line as it arrives, so no more than one line of raw text is
 * held; a JSON array is held as text up to the limit. Either way, reading stops with 413 past `limit` bytes
 * (decompressed, for gzip). The body must be UTF-8 (400 otherwise, nothing is read into the store).
 */
export async function readEventsBody(req: Request, limit: number, ndjson: boolean): Promise<ParsedBody> {
  const declared = Number(req.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    req.resume();
    throw new PayloadTooLargeError(limit);
  }
  checkCharset(req.get('content-type'));
  const source = bodyStream(req);
  const decoder = utf8Decoder();
  const parser = ndjson ? new NdjsonParser() : undefined;
  let text = '';
  let bytes = 0;
  // Plain 'data' events rather than for-await: leaving a for-await early destroys the request, and with it the
  // socket the 413 answer has to go out on. Past the limit the rest is read and discarded instead.
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > limit) {
        source.off('data', onData);
        source.resume();
        reject(new PayloadTooLargeError(limit));
        return;
      }
      let decoded: string;
      try {
        decoded = decoder.decode(chunk, { stream: true });
      } catch {
        source.off('data', onData);
        source.resume();
        reject(invalidUtf8());
        return;
      }
      if (parser) parser.push(decoded);
      else text += decoded;
    };
    source.on('data', onData);
    source.once('end', resolve);
    source.once('error', (error) =>
      reject(new BadRequestError(`Could not read the request body: ${error.message}`)),
    );
  });
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw invalidUtf8();
  }
  if (parser) return parser.end(rest);
  return parseJsonArray(text + rest);
}

function bodyStream(req: Request): NodeJS.ReadableStream {
  const encoding = (req.get('content-encoding') ?? 'identity').toLowerCase();
  if (encoding === 'identity') return req;
  if (encoding === 'gzip') return req.pipe(createGunzip());
  throw new ProvmlError(
    'UnsupportedMediaType',
    `Content-Encoding '${encoding}' is not supported; send the body uncompressed or gzip.`,
  );
}

function parseJsonArray(text: string): ParsedBody {
  try {
    return { ok: true, items: JSON.parse(text) as unknown[] };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [{ index: -1, path: '', message: `the body is not valid JSON: ${reason}` }] };
  }
}

/** NDJSON, one JSON value per line; blank lines skipped, CRLF accepted; every bad line reported with its number. */
class NdjsonParser {
  private carry = '';
  private line = 0;
  private readonly items: unknown[] = [];
  private readonly lines: number[] = [];
  private readonly errors: Array<EventError & { line: number }> = [];

  push(text: string): void {
    const parts = (this.carry + text).split('\n');
    this.carry = parts.pop() ?? '';
    for (const part of parts) this.parseLine(part);
  }

  end(text: string): ParsedBody {
    this.push(text);
    if (this.carry !== '') this.parseLine(this.carry);
    if (this.errors.length > 0) return { ok: false, errors: this.errors };
    return { ok: true, items: this.items, lines: this.lines };
  }

  private parseLine(raw: string): void {
    this.line += 1;
    const row = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (row.trim() === '') return;
    try {
      this.items.push(JSON.parse(row));
      this.lines.push(this.line);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      const index = this.items.length + this.errors.length;
      this.errors.push({
        index,
        line: this.line,
        path: '',
        message: `line ${this.line} is not valid JSON: ${reason}`,
      });
    }
  }
}
