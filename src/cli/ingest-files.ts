import { stat } from 'node:fs/promises';
import { ProvmlError } from '../errors.ts';
import { clearProgress, loadProgress, type Progress, saveProgress } from './ingest-progress.ts';
import { type FileBatch, isJsonArrayFile, jsonArrayBatches, ndjsonBatches } from './ingest-read.ts';

export interface IngestOptions {
  url: string;
  token?: string;
  batchSize: number;
  format: 'provml' | 'flowcept';
  /** An event id recorded before with other content: refuse the batch (default, exit non-zero) or replace. */
  onConflict?: 'refuse' | 'replace';
  /** Ignore a saved progress file and start from the beginning. */
  restart?: boolean;
  fetch?: typeof fetch;
  /** Retries of a batch after a network failure, 5xx or 429, with doubling waits from 200 ms (default 4). */
  retries?: number;
  /** Called after each acknowledged batch with the file's bytes (or items) done and total. */
  onProgress?: (file: string, done: number, total: number) => void;
}

export interface FileSummary {
  file: string;
  events: number;
  triples: number;
  /** Where this run started (0 unless it resumed an interrupted ingest). */
  resumedFrom: number;
  batches: number;
}

/** Sends NDJSON (or JSON array) files to the server's events endpoint batch by batch, resumably. */
export async function ingestFiles(files: string[], options: IngestOptions): Promise<FileSummary[]> {
  const summaries: FileSummary[] = [];
  for (const file of files) summaries.push(await ingestFile(file, options));
  return summaries;
}

async function ingestFile(file: string, options: IngestOptions): Promise<FileSummary> {
  const size = await fileSize(file);
  const jsonArray = await isJsonArrayFile(file);
  const saved = options.restart ? undefined : await loadProgress(file, options.url, options.format, size);
  const progress: Progress = saved ?? {
    url: options.url,
    format: options.format,
    offset: 0,
    line: 0,
    events: 0,
    triples: 0,
  };
  const summary: FileSummary = { file, events: 0, triples: 0, resumedFrom: progress.offset, batches: 0 };
  const batches = jsonArray
    ? jsonArrayBatches(file, progress, options.batchSize)
    : ndjsonBatches(file, progress, options.batchSize);
  const total = jsonArray ? Number.NaN : size;
  for await (const batch of batches) {
    const counts = await sendBatch(file, batch, jsonArray, options);
    summary.events += counts.events;
    summary.triples += counts.triples;
    summary.batches += 1;
    Object.assign(progress, batch.end, {
      events: progress.events + counts.events,
      triples: progress.triples + counts.triples,
    });
    await saveProgress(file, progress);
    options.onProgress?.(file, batch.end.offset, Number.isNaN(total) ? batch.end.offset : total);
  }
  await clearProgress(file);
  return summary;
}

async function sendBatch(
  file: string,
  batch: FileBatch,
  jsonArray: boolean,
  options: IngestOptions,
): Promise<{ events: number; triples: number }> {
  const url = new URL('/api/v1/events', options.url);
  if (options.format === 'flowcept') url.searchParams.set('format', 'flowcept');
  if (options.onConflict === 'replace') url.searchParams.set('onConflict', 'replace');
  const headers: Record<string, string> = {
    'content-type': jsonArray ? 'application/json' : 'application/x-ndjson',
    accept: 'application/json',
  };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  const body = jsonArray ? `[${batch.items.join(',')}]` : `${batch.items.join('\n')}\n`;
  const doFetch = options.fetch ?? fetch;
  const retries = options.retries ?? 4;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await doFetch(url, { method: 'POST', headers, body });
    } catch (error) {
      if (attempt < retries) {
        await sleep(200 * 2 ** attempt);
        continue;
      }
      throw new ProvmlError(
        503,
        `cannot reach ${options.url} (${reason(error)}): is \`provml serve\` running there? Re-run to resume.`,
      );
    }
    const text = await response.text();
    if (response.status === 202 || response.ok) {
      const counts = parse(text) as { events?: number; triples?: number } | undefined;
      return { events: counts?.events ?? batch.items.length, triples: counts?.triples ?? 0 };
    }
    // 507 (the store is full) does not pass by waiting; other 5xx and 429 may.
    if (
      ((response.status >= 500 && response.status !== 507) || response.status === 429) &&
      attempt < retries
    ) {
      await sleep(200 * 2 ** attempt);
      continue;
    }
    throw new ProvmlError(
      response.status,
      explainRefusal(file, batch, response.status, text, { jsonArray, format: options.format }),
    );
  }
}

/** One line saying which line of which file is wrong and why. */
function explainRefusal(
  file: string,
  batch: FileBatch,
  status: number,
  text: string,
  options: { jsonArray: boolean; format: IngestOptions['format'] },
): string {
  const body = parse(text) as
    | { error?: string; errors?: Array<{ index: number; path: string; message: string; id?: string }> }
    | string
    | undefined;
  const first = typeof body === 'object' ? body?.errors?.[0] : undefined;
  if ((status === 400 || status === 409) && first) {
    // A 409's index counts mapped provml events, which are not the Flowcept messages of the file.
    const mapped = status === 409 && options.format === 'flowcept';
    const where = first.index >= 0 && !mapped ? batch.lines[first.index] : undefined;
    const unit = options.jsonArray ? 'item' : 'line';
    const count = (body as { errors: unknown[] }).errors.length;
    const more =
      count > 1 ? ` (and ${count - 1} more ${status === 409 ? 'conflict' : 'finding'}(s) in this batch)` : '';
    const field = status === 400 && first.path ? `${first.path} ` : '';
    const advice =
      status === 409
        ? " To replace the recorded events with the file's, re-run with --on-conflict replace."
        : '';
    return `${file}${where ? ` ${unit} ${where}` : ''}: ${field}${first.message}${more}; nothing from this batch was written, earlier batches were.${advice}`;
  }
  const message = typeof body === 'object' ? (body?.error ?? '') : (body ?? '').trim();
  return `${file}: the server answered ${status}${message ? `: ${message}` : ''}`;
}

async function fileSize(file: string): Promise<number> {
  try {
    return (await stat(file)).size;
  } catch (error) {
    throw new ProvmlError(404, `cannot read ${file}: ${reason(error)}`);
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
