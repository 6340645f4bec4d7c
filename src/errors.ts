/**
 * Errors that carry an HTTP status and a message telling the user what to fix.
 * The server turns them into responses in one place; the CLI prints the message and exits non-zero.
 */
export class ProvmlError extends Error {
  readonly status: number;
  constructor(status: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.status = status;
  }
}

/** The request or its SPARQL is malformed (400). */
export class BadRequestError extends ProvmlError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(400, message, options);
  }
}

/** A query ran longer than its time limit (503). */
export class QueryTimeoutError extends ProvmlError {
  constructor(timeoutMs: number) {
    super(
      503,
      `Query exceeded the time limit of ${timeoutMs} ms; narrow it (LIMIT, more specific patterns) or raise PROVML_QUERY_TIMEOUT_MS.`,
    );
  }
}

/** The store refuses writes (read-only start-up, or a size ceiling) (507 or 503). */
export class StoreReadOnlyError extends ProvmlError {
  constructor(message: string, status = 503) {
    super(status, message);
  }
}

/** The store is not open, or already closed: a programming error in the caller. */
export class StoreClosedError extends ProvmlError {
  constructor() {
    super(503, 'The store is not open: call open() before use (or it was closed).');
  }
}
