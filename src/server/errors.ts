import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { ProvmlError } from '../errors.ts';
import type { Logger } from '../logger.ts';

/** 401: a write came without credentials. */
export class UnauthorizedError extends ProvmlError {
  constructor(message: string) {
    super(401, message);
  }
}

/** 403: credentials are wrong, or the client may not write at all. */
export class ForbiddenError extends ProvmlError {
  constructor(message: string) {
    super(403, message);
  }
}

export class NotFoundError extends ProvmlError {
  constructor(message: string) {
    super(404, message);
  }
}

export class MethodNotAllowedError extends ProvmlError {
  readonly allow: string[];
  constructor(method: string, path: string, allow: string[]) {
    super(405, `${method} is not supported on ${path}; use ${allow.join(', ')}.`);
    this.allow = allow;
  }
}

export class NotAcceptableError extends ProvmlError {
  constructor(what: string, offered: readonly string[]) {
    super(
      406,
      `None of the media types in the Accept header is available for ${what}; accept one of: ${offered.join(', ')}.`,
    );
  }
}

export class PayloadTooLargeError extends ProvmlError {
  constructor(limit: number) {
    super(
      413,
      `Request body exceeds the limit of ${limit} bytes; send smaller batches or raise PROVML_MAX_BODY on the server.`,
    );
  }
}

export class UnsupportedMediaTypeError extends ProvmlError {
  constructor(got: string | undefined, accepted: readonly string[]) {
    super(
      415,
      `Content-Type ${got ? `'${got}'` : '(none)'} is not supported here; send one of: ${accepted.join(', ')}.`,
    );
  }
}

/** Express handler answering 405 with the Allow header, for a route's remaining methods. */
export function methodNotAllowed(allow: string[]): RequestHandler {
  return (req, _res, next) => next(new MethodNotAllowedError(req.method, req.path, allow));
}

/** The one place where errors become HTTP responses: plain text that says what to fix. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      logger.error(
        { err: error, method: req.method, url: req.originalUrl },
        'error after the response started',
      );
      next(error);
      return;
    }
    const known = toProvmlError(error);
    if (known) {
      if (known instanceof UnauthorizedError) res.set('WWW-Authenticate', 'Bearer realm="provml"');
      if (known instanceof MethodNotAllowedError) res.set('Allow', known.allow.join(', '));
      if (known.status === 503) res.set('Retry-After', '1');
      if (known.status >= 500)
        logger.warn({ err: known, method: req.method, url: req.originalUrl }, known.message);
      sendText(res, known.status, known.message);
      return;
    }
    logger.error({ err: error, method: req.method, url: req.originalUrl }, 'unexpected error');
    sendText(
      res,
      500,
      'Internal server error; the server log has the details. Please report it if it persists.',
    );
  };
}

/** Answers unmatched paths with a 404 that lists what exists. */
export function notFound(): RequestHandler {
  return (req, _res, next) =>
    next(new NotFoundError(`No resource at ${req.path}; see /sparql, /store, /health and /api/v1.`));
}

export function sendText(res: Response, status: number, message: string): void {
  res.status(status).type('text/plain; charset=utf-8').send(`${message}\n`);
}

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  limit?: number;
  expose?: boolean;
  message?: string;
}

/** ProvmlErrors pass through; the body parser's http-errors become their ProvmlError equivalent. */
function toProvmlError(error: unknown): ProvmlError | undefined {
  if (error instanceof ProvmlError) return error;
  if (typeof error !== 'object' || error === null) return undefined;
  const http = error as HttpLikeError;
  const status = http.status ?? http.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (http.type === 'entity.too.large') return new PayloadTooLargeError(http.limit ?? 0);
  if (http.type === 'charset.unsupported' || http.type === 'encoding.unsupported') {
    return new ProvmlError(
      415,
      `${http.message ?? 'Unsupported encoding'}; send UTF-8 text without content encoding, or gzip.`,
    );
  }
  if (http.expose) return new ProvmlError(status, http.message ?? 'Bad request.');
  return undefined;
}
