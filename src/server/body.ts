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
  return new URL(req.originalUrl, 'http://localhost').searchParams;
}

/** The body read by textBody, or undefined when the request had none. */
export const bodyText = (req: { body?: unknown }): string | undefined =>
  typeof req.body === 'string' ? req.body : undefined;
