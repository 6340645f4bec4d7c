import type { EventError } from './events.ts';

export type NdjsonResult =
  | { ok: true; items: unknown[]; lines: number[] }
  | { ok: false; errors: Array<EventError & { line: number }> };

/**
 * Parses NDJSON (one JSON value per line; blank lines ignored; CRLF accepted). On success `lines[i]` is the
 * 1-based line of item i, so later validation findings can name the line. Every unparsable line is reported.
 */
export function parseNdjson(text: string): NdjsonResult {
  const items: unknown[] = [];
  const lines: number[] = [];
  const errors: Array<EventError & { line: number }> = [];
  const rows = text.split('\n');
  rows.forEach((raw, i) => {
    const row = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (row.trim() === '') return;
    const line = i + 1;
    try {
      items.push(JSON.parse(row));
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      errors.push({
        index: items.length + errors.length,
        line,
        path: '',
        message: `line ${line} is not valid JSON: ${reason}`,
      });
      return;
    }
    lines.push(line);
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, items, lines };
}

/** Adds the NDJSON line number to validation findings (index → line). */
export function withLines(errors: EventError[], lines: number[]): Array<EventError & { line?: number }> {
  return errors.map((error) => {
    const line = lines[error.index];
    return line === undefined ? error : { ...error, line };
  });
}
