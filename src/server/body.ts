import express, { type RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from './errors.ts';
import { mediaTypeOf } from './negotiate.ts';

/** Reads any request body as text (charset from Content-Type, UTF-8 by default); 413 beyond `limit` bytes. */
export function textBody(limit: number): RequestHandler {
  return express.text({ type: () => true, limit });
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
