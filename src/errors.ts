/**
 * What went wrong, as a domain code, with a message telling the user what to fix. Code below the edges
 * says only what happened; the edges decide what it means to their caller: `server/errors.ts` maps each
 * code to an HTTP status and body (one table), `cli/exit-codes.ts` to a process exit code (one table).
 */
export const ERROR_CODES = [
  /** The request, its SPARQL or its data is malformed. */
  'BadRequest',
  /** A command line is wrong (a flag's value, a missing argument). */
  'Usage',
  /** A write came without credentials. */
  'Unauthorized',
  /** Credentials are wrong, or the caller may not do this at all. */
  'Forbidden',
  /** What was named (a resource, graph, query, file, model) does not exist. */
  'NotFound',
  /** The operation is not supported on this resource. */
  'MethodNotAllowed',
  /** None of the representations asked for can be produced. */
  'NotAcceptable',
  /** An event id was recorded before with different content. */
  'Conflict',
  /** A request or its body exceeds a limit. */
  'TooLarge',
  /** The content type or encoding of what was sent is not supported. */
  'UnsupportedMediaType',
  /** The store or a service it needs cannot answer now (closed, restarting, unreachable, backlogged). */
  'Unavailable',
  /** A query ran longer than its time limit. */
  'Timeout',
  /** Too many requests: the caller should slow down and try again (a client reads it from a 429). */
  'Throttled',
  /** A resource is held by another process (the data directory's lock, a port). */
  'Locked',
  /** The store refuses writes: it reached its size ceiling (reads still work). */
  'Full',
  /** Stored data is damaged: recovering it needs a person's decision. */
  'Corrupt',
  /** The configuration (flags, environment, file, shipped files) is invalid. */
  'InvalidConfig',
  /** A service provml relies on (the SPARQL engine, a federated source) failed or answered an error. */
  'UpstreamFailed',
  /** A service provml relies on did not answer in time. */
  'UpstreamTimeout',
  /** A bug: nothing the caller can fix. */
  'Internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ProvmlErrorOptions {
  cause?: unknown;
  /** Structured facts a caller may read (the findings of a refused batch, the allowed methods, …). */
  details?: Readonly<Record<string, unknown>>;
}

export class ProvmlError extends Error {
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>> | undefined;
  constructor(code: ErrorCode, message: string, options: ProvmlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = options.details;
  }
}

/** The request or its SPARQL is malformed. */
export class BadRequestError extends ProvmlError {
  constructor(message: string, options?: ProvmlErrorOptions) {
    super('BadRequest', message, options);
  }
}

/** A command line is wrong: a flag's value, a missing or extra argument. */
export class UsageError extends ProvmlError {
  constructor(message: string) {
    super('Usage', message);
  }
}

/** A query ran longer than its time limit. */
export class QueryTimeoutError extends ProvmlError {
  constructor(timeoutMs: number) {
    super(
      'Timeout',
      `Query exceeded the time limit of ${timeoutMs} ms; narrow it (LIMIT, more specific patterns) or raise PROVML_QUERY_TIMEOUT_MS.`,
    );
  }
}

/** The store refuses writes: it is at its size ceiling, or stopped writing after its engine ran out of memory. */
export class StoreReadOnlyError extends ProvmlError {
  constructor(message: string) {
    super('Full', message);
  }
}

/** The store is not open, or already closed: a programming error in the caller, or a request during shutdown. */
export class StoreClosedError extends ProvmlError {
  constructor() {
    super('Unavailable', 'The store is not open: call open() before use (or it was closed).');
  }
}

/**
 * How a client of a provml server (the CLI, the MCP backend) reads a refusal's HTTP status. Several codes
 * share a status (Timeout, Locked and Unavailable are all 503), so this gives the code a client should act
 * on; test/errors.test.ts checks it against the server's table in server/errors.ts.
 */
export function codeForHttpStatus(status: number): ErrorCode {
  const code = BY_STATUS[status];
  if (code) return code;
  if (status >= 500) return 'UpstreamFailed';
  return 'BadRequest';
}

const BY_STATUS: Readonly<Record<number, ErrorCode>> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  413: 'TooLarge',
  415: 'UnsupportedMediaType',
  429: 'Throttled',
  500: 'Internal',
  502: 'UpstreamFailed',
  503: 'Unavailable',
  504: 'UpstreamTimeout',
  507: 'Full',
};
