import { errorText, now, round } from './stats.ts';

export type GroupStatus = 'ok' | 'error' | 'skipped';

export interface GroupResult<T> {
  status: GroupStatus;
  seconds: number;
  /** Why the group failed or was skipped; the other groups still ran. */
  error?: string;
  notes: string[];
  results?: T;
}

/** Runs one benchmark group; a failure is recorded in its result, never thrown, so the suite continues. */
export async function runGroup<T>(
  name: string,
  body: (notes: string[]) => Promise<T>,
): Promise<GroupResult<T>> {
  const started = now();
  const notes: string[] = [];
  process.stderr.write(`\n== ${name}\n`);
  try {
    const results = await body(notes);
    return { status: 'ok', seconds: round((now() - started) / 1000), notes, results };
  } catch (error) {
    process.stderr.write(`   ${name} failed: ${errorText(error)}\n`);
    return { status: 'error', seconds: round((now() - started) / 1000), error: errorText(error), notes };
  }
}

/** Per-size work inside a group: a size that fails is recorded with its error and the next size runs. */
export async function perSize<T extends object>(
  sizes: number[],
  body: (size: number) => Promise<T>,
): Promise<Array<T | { size: number; error: string }>> {
  const out: Array<T | { size: number; error: string }> = [];
  for (const size of sizes) {
    try {
      out.push(await body(size));
    } catch (error) {
      process.stderr.write(`   size ${size} failed: ${errorText(error)}\n`);
      out.push({ size, error: errorText(error) });
    }
  }
  return out;
}

export const progress = (message: string): void => {
  process.stderr.write(`   ${message}\n`);
};
