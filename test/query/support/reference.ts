// The straightforward formulations the catalog's rewritten queries are checked against, and how two answers
// are compared.
import type { SelectResult } from '../../../src/store/index.ts';

export const REFERENCE_DIR = new URL('../../fixtures/queries/reference/', import.meta.url).pathname;

/** A result as its sorted set of solutions (row order and repeated rows do not count). */
export function solutions(result: SelectResult): string[] {
  const lines = result.rows.map((row) =>
    result.variables.map((name) => `${name}=${row[name] ? JSON.stringify(row[name]) : ''}`).join(' '),
  );
  return [...new Set(lines)].sort();
}
