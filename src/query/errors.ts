import { BadRequestError, ProvmlError } from '../errors.ts';

/** A catalog query name that is not in queries/. */
export class UnknownQueryError extends ProvmlError {
  constructor(name: string, known: string[]) {
    super(
      'NotFound',
      `No catalog query named ${JSON.stringify(name)}; known: ${known.join(', ') || '(none)'}.`,
    );
  }
}

/** A catalog parameter is missing, unknown or not of its declared type (names the parameter). */
export class ParameterError extends BadRequestError {
  readonly param: string;
  constructor(param: string, message: string) {
    super(`Parameter "${param}": ${message}`);
    this.param = param;
  }
}

/** An external source of a federated query failed or could not be reached. */
export class SourceUnavailableError extends ProvmlError {
  constructor(sources: string[], reason: string) {
    super(
      'UpstreamFailed',
      `Federated source unavailable (${sources.join(', ')}): ${reason}. Check that it is running and reachable, or drop it from the sources.`,
    );
  }
}

/** A federated query did not finish in time, usually because a source is slow. */
export class FederationTimeoutError extends ProvmlError {
  constructor(timeoutMs: number, sources: string[]) {
    super(
      'UpstreamTimeout',
      `Federated query exceeded ${timeoutMs} ms waiting on ${sources.join(', ') || 'its sources'}; narrow the query or raise the timeout.`,
    );
  }
}
