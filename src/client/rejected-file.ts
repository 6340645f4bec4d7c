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

/** The indices the server named in a 400 body `{ errors: [{ index, … }] }`, with their errors. */
export function errorsByIndex(body: unknown, batchLength: number): Map<number, unknown[]> | undefined {
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
