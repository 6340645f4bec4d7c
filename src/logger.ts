import { destination, type Logger, pino } from 'pino';

export type { Logger };

/** Structured logs on stderr (stdout stays free for command output). */
export function createLogger(level: string = process.env.PROVML_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: undefined }, destination(2));
}

/** A logger that drops everything, for tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
