import { BadRequestError, ProvmlError } from '../errors.ts';

/** A catalog query name that is not in queries/ (404). */
export class UnknownQueryError extends ProvmlError {
  constructor(name: string, known: string[]) {
    super(404, `No catalog query named ${JSON.stringify(name)}; known: ${known.join(', ') || '(none)'}.`);
  }
}

/** A catalog parameter is missing, unknown or not of its declared type (400, names the parameter). */
export class ParameterError extends BadRequestError {
  readonly param: string;
  constructor(param: string, message: string) {
    super(`Parameter "${param}": ${message}`);
    this.param = param;
  }
}

/** An external source of a federated query failed or could not be reached (502). */
export class SourceUnavailableError extends ProvmlError {
  constructor(sources: string[], reason: string) {
    super(
      502,
      `Federated source unavailable (${sources.join(', ')}): ${reason}. Check that it is running and reachable, or drop it from the sources.`,
    );
  }
}

/** A federated query did not finish in time, usually because a source is slow (504). */
export class FederationTimeoutError extends ProvmlError {
  constructor(timeoutMs: number, sources: string[]) {
    super(
      504,
      `Federated query exceeded ${timeoutMs} ms waiting on ${sources.join(', ') || 'its sources'}; narrow the query or raise the timeout.`,
    );
  }
}
