import express, { type RequestHandler } from 'express';
import { BadRequestError } from '../errors.ts';
import { UnsupportedMediaTypeError } from './errors.ts';
import { mediaTypeOf } from './negotiate.ts';

/** Charsets that name UTF-8 (US-ASCII is a subset, so an ASCII body is the same text in UTF-8). */
const UTF8_NAMES = new Set(['utf-8', 'utf8', 'us-ascii']);

/**
 * Reads any request body as UTF-8 text; 413 beyond `limit` bytes. A body that declares another charset, or
 * whose bytes are not valid UTF-8, is refused with 400 before any handler sees it, so it is never executed
 * (SPARQL, Turtle, N-Triples, TriG, N-Quads and JSON are UTF-8 by definition; a UTF-16 body of ASCII text
 * would otherwise read as valid UTF-8 with NUL characters, or be transcoded by guesswork).
 */
export function textBody(limit: number): RequestHandler {
  const raw = express.raw({ type: () => true, limit });
  return utf8Only((req, res, next) => {
    raw(req, res, (error?: unknown) => {
      if (error) {
        next(error);
        return;
      }
      try {
        if (Buffer.isBuffer(req.body)) req.body = decodeUtf8(req.body);
        next();
      } catch (decodeError) {
        next(decodeError);
      }
    });
  });
}

/** express.json under the same rule: a JSON body (application/json) must be UTF-8, or it is a 400. */
export function jsonBody(limit: number): RequestHandler {
  return utf8Only(
    express.json({
      limit,
      verify: (_req, _res, bytes) => {
        decodeUtf8(bytes);
      },
    }),
  );
}

/** Runs a body parser only for a request whose Content-Type declares no charset other than UTF-8. */
function utf8Only(parser: RequestHandler): RequestHandler {
  return (req, res, next) => {
    try {
      checkCharset(req.get('content-type'));
    } catch (error) {
      next(error);
      return;
    }
    parser(req, res, next);
  };
}

/** Throws 400 when a Content-Type header declares a charset other than UTF-8. */
export function checkCharset(contentType: string | undefined): void {
  const charset = charsetOf(contentType);
  if (charset !== undefined && !UTF8_NAMES.has(charset)) {
    throw new BadRequestError(
      `The body declares charset=${charset}; provml reads request bodies as UTF-8 only. Send the text in UTF-8 (charset=utf-8 or no charset); nothing was executed.`,
    );
  }
}

/** The body's text; 400 when its bytes are not valid UTF-8 (a leading byte-order mark is dropped). */
export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return utf8Decoder().decode(bytes);
  } catch {
    throw invalidUtf8();
  }
}

/** A decoder that throws on bytes that are not UTF-8 (for bodies read as a stream: decode with stream: true). */
export const utf8Decoder = (): TextDecoder => new TextDecoder('utf-8', { fatal: true });

export const invalidUtf8 = (): BadRequestError =>
  new BadRequestError(
    'The request body is not valid UTF-8; provml reads request bodies as UTF-8 only. Re-encode it as UTF-8; nothing was executed.',
  );

/** The lower-cased charset parameter of a Content-Type header, if it has one. */
export function charsetOf(contentType: string | undefined): string | undefined {
  for (const parameter of (contentType ?? '').split(';').slice(1)) {
    const [name = '', ...rest] = parameter.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    return rest
      .join('=')
      .trim()
      .replace(/^"(.*)"$/, '$1')
      .toLowerCase();
  }
  return undefined;
}

/** Refuses (415) a body whose Content-Type is not one of `accepted`, before reading it. */
export function requireContentType(accepted: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    const type = mediaTypeOf(req.get('content-type'));
    next(
      type && accepted.includes(type)
        ? undefined
        : new UnsupportedMediaTypeError(req.get('content-type'), accepted),
    );
  };
}

/** The request's URL parameters, repeated ones kept (default-graph-uri may appear many times). */
export function urlParams(req: { originalUrl: string }): URLSearchParams {
  return utf8Params(new URL(req.originalUrl, 'http://localhost').search.slice(1));
}

/**
 * Parameters in application/x-www-form-urlencoded form (a URL's query, a form body), read as UTF-8 only:
 * URLSearchParams would turn percent-encoded bytes that are not UTF-8 (`caf%E9`, a form sent in
 * ISO-8859-1) into U+FFFD, and an update would write the damaged text. Such a parameter is a 400 instead.
 */
export function utf8Params(text: string): URLSearchParams {
  const decoder = utf8Decoder();
  for (const piece of text.split('&')) {
    const bytes = percentDecode(piece.replaceAll('+', ' '));
    try {
      decoder.decode(bytes);
    } catch {
      const name = piece.split('=')[0] ?? '';
      throw new BadRequestError(
        `The parameter ${JSON.stringify(safeName(name))} is percent-encoded in a charset other than UTF-8; provml reads parameters as UTF-8 only. Encode the text as UTF-8 before percent-encoding it; nothing was executed.`,
      );
    }
  }
  return new URLSearchParams(text);
}

/** The bytes a form-urlencoded piece stands for (WHATWG URL percent-decode: a malformed `%` stays as is). */
function percentDecode(piece: string): Uint8Array {
  const raw = Buffer.from(piece, 'utf8');
  const out: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const high = hexValue(raw[i + 1]);
    const low = hexValue(raw[i + 2]);
    if (raw[i] === 0x25 && high !== undefined && low !== undefined) {
      out.push(high * 16 + low);
      i += 2;
    } else out.push(raw[i] as number);
  }
  return Uint8Array.from(out);
}

function hexValue(byte: number | undefined): number | undefined {
  if (byte === undefined) return undefined;
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : undefined;
}

/** A parameter name for an error message: decoded where it can be, never more than 40 characters. */
const safeName = (name: string): string =>
  new URLSearchParams(`${name}=`).keys().next().value?.slice(0, 40) ?? '';

/** The body read by textBody, or undefined when the request had none. */
export const bodyText = (req: { body?: unknown }): string | undefined =>
  typeof req.body === 'string' ? req.body : undefined;
