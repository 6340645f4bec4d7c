import { BadRequestError, ProvmlError } from '../errors.ts';
import { isWasmFault } from './probe.ts';

// Oxigraph's WebAssembly build throws plain `Error`s whose only content is a message string: no class, no
// kind, no position fields. What a message means is therefore read here, and only here, with a test per
// case in test/store/oxigraph-errors.test.ts (an Oxigraph upgrade that rewords a message fails there).

const NO_HTTP_CLIENT = /HTTP client is not available/;
/** Oxigraph's SPARQL parser prefixes its syntax errors with their position ("error at 1:6: expected …"). */
const SYNTAX_ERROR_AT = /^error at \d+:\d+/;

/**
 * What an error thrown by Oxigraph means to provml's caller. A fault of the WebAssembly machine itself (a
 * `RuntimeError`: memory exhausted, `unreachable`) is returned as it is, for the caller to discard the
 * instance; LOAD or SERVICE of a remote URL (the build has no HTTP client) is explained; anything else is
 * the input's fault: `Invalid <what>: <Oxigraph's message>`.
 */
export function fromOxigraphError(error: unknown, what: string): Error {
  if (error instanceof ProvmlError) return error;
  if (isWasmFault(error)) return error as Error;
  const message = error instanceof Error ? error.message : String(error);
  if (NO_HTTP_CLIENT.test(message)) {
    return new BadRequestError(
      'SPARQL LOAD and SERVICE to remote URLs are not available on the embedded store: provml never fetches remote data. Send data to /store, or use the federation API for remote sources.',
      { cause: error },
    );
  }
  return new BadRequestError(`Invalid ${what}: ${message}`, { cause: error });
}

/** Whether Oxigraph refused a SPARQL text's syntax (rather than failing while evaluating it). */
export function isOxigraphSyntaxError(error: unknown): boolean {
  return error instanceof Error && !isWasmFault(error) && SYNTAX_ERROR_AT.test(error.message);
}
