import { ProvmlError } from '../../errors.ts';

/** The SPARQL engine cannot be reached (connection refused, reset, or no answer in time). */
export class EngineUnavailableError extends ProvmlError {
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(
      'Unavailable',
      `The SPARQL engine at ${url} is unreachable (${reason}): start it, or check PROVML_SPARQL_QUERY_URL / PROVML_SPARQL_UPDATE_URL.`,
      options,
    );
  }
}

/** The engine answered with an error that is not the caller's fault. */
export class EngineError extends ProvmlError {
  readonly engineStatus: number;
  constructor(url: string, engineStatus: number, detail: string, advice = '') {
    super(
      'UpstreamFailed',
      `The SPARQL engine at ${url} answered HTTP ${engineStatus}: ${detail}${advice ? ` ${advice}` : ''}`,
    );
    this.engineStatus = engineStatus;
  }
}

/**
 * The engine's answer broke off after it had begun (the connection cut, the engine silent too long, a body
 * that ends before its document does): what arrived is not served as if it were the whole answer.
 */
export class EngineAnswerCutError extends ProvmlError {
  constructor(url: string, reason: string, options?: { cause?: unknown }) {
    super(
      'UpstreamFailed',
      `The SPARQL engine at ${url} broke off its answer (${reason}); nothing after that point was received. Retry the query.`,
      options,
    );
  }
}

/** Writes are still waiting in the outbox, so a read cannot yet see them. */
export class OutboxBacklogError extends ProvmlError {
  constructor(pending: number, url: string, waitedMs: number) {
    super(
      'Unavailable',
      `${pending} acknowledged write(s) are still waiting in the outbox for the SPARQL engine at ${url} after ${waitedMs} ms; ` +
        'they are safe on disk and will be delivered when the engine answers. Retry the read later.',
    );
  }
}
