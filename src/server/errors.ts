import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import { codeForHttpStatus, type ErrorCode, ProvmlError } from '../errors.ts';
import type { Logger } from '../logger.ts';

interface HttpAnswer {
  status: number;
  /** Headers the status calls for (RFC 9110: WWW-Authenticate with 401, Allow with 405). */
  headers?: (error: ProvmlError) => Record<string, string>;
}

const RETRY_SOON = () => ({ 'Retry-After': '1' });

/**
 * The one table from domain code to HTTP answer. Codes the server never answers with (Usage,
 * InvalidConfig, Corrupt, Locked happen before it listens or in the CLI) still have a status, so that an
 * error reaching a response by some other path is answered sensibly.
 */
export const HTTP_ANSWERS: Readonly<Record<ErrorCode, HttpAnswer>> = {
  BadRequest: { status: 400 },
  Usage: { status: 400 },
  Unauthorized: { status: 401, headers: () => ({ 'WWW-Authenticate': 'Bearer realm="provml"' }) },
  Forbidden: { status: 403 },
  NotFound: { status: 404 },
  MethodNotAllowed: { status: 405, headers: (error) => ({ Allow: allowOf(error).join(', ') }) },
  NotAcceptable: { status: 406 },
  Conflict: { status: 409 },
  TooLarge: { status: 413 },
  UnsupportedMediaType: { status: 415 },
  Unavailable: { status: 503, headers: RETRY_SOON },
  Timeout: { status: 503, headers: RETRY_SOON },
  Throttled: { status: 429, headers: RETRY_SOON },
  Locked: { status: 503, headers: RETRY_SOON },
  Full: { status: 507 },
  Corrupt: { status: 500 },
  InvalidConfig: { status: 500 },
  UpstreamFailed: { status: 502 },
  UpstreamTimeout: { status: 504 },
  Internal: { status: 500 },
};

/** 401: a write came without credentials. */
export class UnauthorizedError extends ProvmlError {
  constructor(message: string) {
    super('Unauthorized', message);
  }
}

/** 403: credentials are wrong, or the client may not write at all. */
export class ForbiddenError extends ProvmlError {
  constructor(message: string) {
    super('Forbidden', message);
  }
}

export class NotFoundError extends ProvmlError {
  constructor(message: string) {
    super('NotFound', message);
  }
}

export class MethodNotAllowedError extends ProvmlError {
  constructor(method: string, path: string, allow: string[]) {
    super('MethodNotAllowed', `${method} is not supported on ${path}; use ${allow.join(', ')}.`, {
      details: { allow },
    });
  }
}

export class NotAcceptableError extends ProvmlError {
  constructor(what: string, offered: readonly string[]) {
    super(
      'NotAcceptable',
      `None of the media types in the Accept header is available for ${what}; accept one of: ${offered.join(', ')}.`,
    );
  }
}

export class PayloadTooLargeError extends ProvmlError {
  constructor(limit: number) {
    super(
      'TooLarge',
      `Request body exceeds the limit of ${limit} bytes; send smaller batches or raise PROVML_MAX_BODY on the server.`,
    );
  }
}

export class UnsupportedMediaTypeError extends ProvmlError {
  constructor(got: string | undefined, accepted: readonly string[]) {
    super(
      'UnsupportedMediaType',
      `Content-Type ${got ? `'${got}'` : '(none)'} is not supported here; send one of: ${accepted.join(', ')}.`,
    );
  }
}

/** Express handler answering 405 with the Allow header, for a route's remaining methods. */
export function methodNotAllowed(allow: string[]): RequestHandler {
  return (req, _res, next) => next(new MethodNotAllowedError(req.method, req.path, allow));
}

/**
 * The one place where errors become HTTP responses: the status and headers from HTTP_ANSWERS, a plain-text
 * body that says what to fix, or, for an error carrying findings (`details.errors`, a refused batch of
 * events), JSON `{ error, errors }` so that clients can report each finding.
 */
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
      const answer = HTTP_ANSWERS[known.code];
      if (answer.headers) res.set(answer.headers(known));
      if (answer.status >= 500)
        logger.warn({ err: known, method: req.method, url: req.originalUrl }, known.message);
      const findings = known.details?.errors;
      if (Array.isArray(findings)) res.status(answer.status).json({ error: known.message, errors: findings });
      else sendText(res, answer.status, known.message);
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

function allowOf(error: ProvmlError): string[] {
  const allow = error.details?.allow;
  return Array.isArray(allow) ? allow.map(String) : [];
}

/** The fields of the http-errors that Express's body parsers raise. */
interface HttpLikeError {
  status?: number;
  statusCode?: number;
  type?: string;
  limit?: number;
  expose?: boolean;
  message?: string;
}

/** ProvmlErrors pass through; the body parser's http-errors (told apart by `type`) become their code. */
function toProvmlError(error: unknown): ProvmlError | undefined {
  if (error instanceof ProvmlError) return error;
  if (typeof error !== 'object' || error === null) return undefined;
  const http = error as HttpLikeError;
  const status = http.status ?? http.statusCode;
  if (typeof status !== 'number' || status < 400 || status >= 500) return undefined;
  if (http.type === 'entity.too.large') return new PayloadTooLargeError(http.limit ?? 0);
  if (http.type === 'charset.unsupported' || http.type === 'encoding.unsupported') {
    return new ProvmlError(
      'UnsupportedMediaType',
      `${http.message ?? 'Unsupported encoding'}; send UTF-8 text without content encoding, or gzip.`,
    );
  }
  if (http.expose) return new ProvmlError(codeForHttpStatus(status), http.message ?? 'Bad request.');
  return undefined;
}
