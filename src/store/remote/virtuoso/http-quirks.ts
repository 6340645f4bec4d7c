// What Virtuoso adds to the SPARQL 1.1 Protocol, in one place: its own time limit parameter, the headers
// that flag a partial answer, and error pages that echo the whole query.

/** Virtuoso stops work at `timeout` ms (a form parameter of its own) instead of running on unseen. */
export function setEngineTimeout(body: URLSearchParams, timeoutMs: number): void {
  if (timeoutMs > 0) body.set('timeout', String(timeoutMs));
}

/** X-SQL-State S1TAT: the answer is what was found before `timeout`, not the whole answer. */
export const isPartialAnswer = (headers: Headers): boolean => headers.get('x-sql-state') === 'S1TAT';

/** X-SPARQL-MaxRows: the server cut the answer at this many rows (its ResultSetMaxRows). */
export function announcedMaxRows(headers: Headers): number | undefined {
  const maxRows = Number(headers.get('x-sparql-maxrows') ?? Number.NaN);
  return Number.isFinite(maxRows) ? maxRows : undefined;
}

/** The engine's error in one line: Virtuoso echoes the whole query after its message. */
export function summarizeEngineError(text: string): string {
  const plain = text.replace(/<[^>]+>/g, ' ');
  const head = plain.split(/\n\s*SPARQL query:/)[0] ?? plain;
  return head.replace(/\s+/g, ' ').trim().slice(0, 500) || '(no message)';
}
