import { pino } from 'pino';

export type Logger = pino.Logger;

/** Structured logs on stderr (stdout stays free for command output). `silent` for tests. */
export function createLogger(level: string = process.env.PROVML_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined }, pino.destination(2));
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
