import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach } from 'vitest';
import type { Logger } from '../../../src/logger.ts';
import type { QuadData } from '../../../src/rdf/index.ts';

const made: string[] = [];

/** A fresh data directory, removed after the test. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'provml-store-'));
  made.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

export interface CapturedLog {
  logger: Logger;
  messages: (level?: 'warn' | 'error' | 'info') => string[];
}

/** A logger that keeps what it was told, so tests can check warnings. */
export function captureLog(): CapturedLog {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const levels = { info: 30, warn: 40, error: 50 };
  return {
    logger,
    messages: (level) => lines.filter((l) => !level || l.level === levels[level]).map((l) => l.msg),
  };
}

const EX = 'http://example.org/';

/** `count` quads of item `n` in graph <http://example.org/g/{graph}>. */
export function quadsOf(n: number, count = 3, graph = 'main'): QuadData[] {
  return Array.from({ length: count }, (_, i) => ({
    subject: { termType: 'NamedNode', value: `${EX}item/${n}` },
    predicate: { termType: 'NamedNode', value: `${EX}p${i}` },
    object: {
      termType: 'Literal',
      value: `${n}-${i}`,
      language: '',
      datatype: { termType: 'NamedNode', value: 'http://www.w3.org/2001/XMLSchema#string' },
    },
    graph: { termType: 'NamedNode', value: `${EX}g/${graph}` },
  }));
}

/** The store's content as a sorted list of N-Quads lines. */
export function sortedLines(nquads: string): string[] {
  return nquads
    .split('\n')
    .filter((line) => line.trim() !== '')
    .sort();
}
