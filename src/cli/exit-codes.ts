import { CommanderError } from 'commander';
import { type ErrorCode, ProvmlError } from '../errors.ts';

/**
 * The one table from domain code to the exit status of `provml` (the numbers of BSD sysexits.h, which
 * shells and supervisors know: 64 usage, 75 "try again later", 78 configuration, …).
 */
export const EXIT_CODES: Readonly<Record<ErrorCode, number>> = {
  Usage: 64,
  BadRequest: 65,
  Conflict: 65,
  TooLarge: 65,
  NotFound: 66,
  Unavailable: 69,
  UpstreamFailed: 69,
  Internal: 70,
  Full: 73,
  Corrupt: 74,
  Timeout: 75,
  Throttled: 75,
  UpstreamTimeout: 75,
  Locked: 75,
  MethodNotAllowed: 76,
  NotAcceptable: 76,
  UnsupportedMediaType: 76,
  Unauthorized: 77,
  Forbidden: 77,
  InvalidConfig: 78,
};

/** What each exit status means, for `provml --help` and docs/operations.md (test/cli checks both). */
const MEANINGS: Readonly<Record<number, string>> = {
  0: 'success',
  1: 'provml validate ran and found violations',
  64: 'the command line is wrong',
  65: 'the query, data or file given was refused',
  66: 'what was named does not exist',
  69: 'the server, the store or a service it relies on is unavailable or failed',
  70: 'an internal error: please report it',
  73: 'the store is full and refuses writes',
  74: 'the data directory is damaged: see provml recover',
  75: 'temporary: try again later',
  76: 'the server could not speak the protocol asked for',
  77: 'not permitted: check the token',
  78: 'the configuration is invalid',
};

/** Each exit status with its meaning and the codes it stands for, in order. */
export function exitCodeTable(): Array<{ exit: number; meaning: string; codes: ErrorCode[] }> {
  return Object.entries(MEANINGS)
    .map(([exit, meaning]) => ({
      exit: Number(exit),
      meaning,
      codes: (Object.keys(EXIT_CODES) as ErrorCode[]).filter((code) => EXIT_CODES[code] === Number(exit)),
    }))
    .sort((a, b) => a.exit - b.exit);
}

/** The exit status for what a subcommand threw: Commander's own usage errors count as Usage. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : EXIT_CODES.Usage;
  if (error instanceof ProvmlError) return EXIT_CODES[error.code];
  return EXIT_CODES.Internal;
}

export function exitCodesHelp(): string {
  const lines = exitCodeTable().map(
    ({ exit, meaning, codes }) =>
      `  ${String(exit).padEnd(4)}${meaning}${codes.length > 0 ? ` (${codes.join(', ')})` : ''}`,
  );
  return `\nExit status:\n${lines.join('\n')}\n`;
}
