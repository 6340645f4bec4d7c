import { appendFile } from 'node:fs/promises';

/** Where a batch the server refused is kept, one record per event, with the server's reason. */
export class RejectedFile {
  constructor(readonly path: string) {}

  async write(
    lines: string[],
    status: number,
    body: unknown,
    errorsByIndex?: Map<number, unknown[]>,
  ): Promise<void> {
    const at = new Date().toISOString();
    const records = lines.map((line, index) =>
      JSON.stringify({
        rejected: { at, status, ...(errorsByIndex ? { errors: errorsByIndex.get(index) ?? [] } : { body }) },
        event: parseOrText(line),
      }),
    );
    await appendFile(this.path, `${records.join('\n')}\n`);
  }
}

export interface RejectionSplit {
  /** The lines to keep in the rejected file. */
  rejected: string[];
  /** The server's findings for each rejected line (by position in `rejected`), when it named them. */
  errors?: Map<number, unknown[]>;
  /** Lines of the batch the server did not object to: sent again (a batch is all or nothing on the server). */
  retry: string[];
}

/** Which lines of a refused batch are bad (when a 400 body names them by index) and which can go again. */
export function splitRejected(lines: string[], status: number, body: unknown): RejectionSplit {
  const bad = status === 400 ? errorsByIndex(body, lines.length) : undefined;
  if (!bad) return { rejected: lines, retry: [] };
  const badIndices = [...bad.keys()].sort((a, b) => a - b);
  return {
    rejected: badIndices.map((index) => lines[index] as string),
    errors: new Map(badIndices.map((index, position) => [position, bad.get(index) ?? []])),
    retry: lines.filter((_, index) => !bad.has(index)),
  };
}

/** The indices the server named in a 400 body `{ errors: [{ index, … }] }`, with their errors. */
function errorsByIndex(body: unknown, batchLength: number): Map<number, unknown[]> | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return undefined;
  const byIndex = new Map<number, unknown[]>();
  for (const error of errors) {
    const index = (error as { index?: unknown } | null)?.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= batchLength)
      return undefined;
    byIndex.set(index, [...(byIndex.get(index) ?? []), error]);
  }
  return byIndex.size > 0 ? byIndex : undefined;
}

function parseOrText(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}
