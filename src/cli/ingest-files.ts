import { stat } from 'node:fs/promises';
import {
  fetchTransport,
  keepAliveTransport,
  postLines,
  type SenderOptions,
  type SendOutcome,
} from '../client/index.ts';
import { codeForHttpStatus, ProvmlError } from '../errors.ts';
import { type RetryPolicy, retrying } from '../retry.ts';
import { passesByWaiting } from '../retry-policy.ts';
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
  /** Sends through this fetch instead of the client's keep-alive connection (tests). */
  fetch?: typeof fetch;
  /** Retries of a batch after an answer that may pass by waiting (src/retry-policy.ts) (default 4). */
  retries?: number;
  /** The waits between attempts (default: from 200 ms, doubling, at most 30 s). */
  retryPolicy?: RetryPolicy;
  /** One request may take this long before it counts as failed (default 10 minutes). */
  requestTimeoutMs?: number;
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

/** Waits between attempts at one batch: from 200 ms, doubling, at most 30 s. */
const RETRY_POLICY: RetryPolicy = { baseMs: 200, maxMs: 30_000 };

/** Sends NDJSON (or JSON array) files to the server's events endpoint batch by batch, resumably. */
export async function ingestFiles(files: string[], options: IngestOptions): Promise<FileSummary[]> {
  const params: Record<string, string> = {};
  if (options.format === 'flowcept') params.format = 'flowcept';
  if (options.onConflict === 'replace') params.onConflict = 'replace';
  const sender: SenderOptions = {
    url: options.url,
    token: options.token,
    transport: options.fetch ? fetchTransport(options.fetch) : keepAliveTransport(),
    requestTimeoutMs: options.requestTimeoutMs ?? 10 * 60_000,
    params,
  };
  const summaries: FileSummary[] = [];
  try {
    for (const file of files) summaries.push(await ingestFile(file, sender, options));
  } finally {
    sender.transport.close();
  }
  return summaries;
}

async function ingestFile(file: string, sender: SenderOptions, options: IngestOptions): Promise<FileSummary> {
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
    const counts = await sendBatch(file, batch, jsonArray, sender, options);
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

/** A retry outcome that may pass by waiting (src/retry-policy.ts: no answer, 408, 429, a 5xx but 507). */
class MayPassByWaiting extends Error {
  constructor(readonly outcome: Extract<SendOutcome, { kind: 'retry' }>) {
    super(outcome.reason);
  }
}

/** Posts one batch through the client's sender, retrying (src/retry.ts) while the server may recover. */
async function sendBatch(
  file: string,
  batch: FileBatch,
  jsonArray: boolean,
  sender: SenderOptions,
  options: IngestOptions,
): Promise<{ events: number; triples: number }> {
  let outcome: SendOutcome;
  try {
    outcome = await retrying(
      async () => {
        const sent = await postLines(batch.items, sender);
        if (sent.kind === 'retry' && passesByWaiting(sent.status)) throw new MayPassByWaiting(sent);
        return sent;
      },
      options.retryPolicy ?? RETRY_POLICY,
      { retries: options.retries ?? 4, shouldRetry: (error) => error instanceof MayPassByWaiting },
    );
  } catch (error) {
    if (!(error instanceof MayPassByWaiting)) throw error;
    outcome = error.outcome;
  }
  if (outcome.kind === 'delivered') return outcome;
  if (outcome.status === undefined) {
    throw new ProvmlError(
      'Unavailable',
      `cannot reach ${options.url} (${outcome.reason}): is \`provml serve\` running there? Re-run to resume.`,
    );
  }
  throw new ProvmlError(
    codeForHttpStatus(outcome.status),
    explainRefusal(file, batch, outcome.status, outcome.body, { jsonArray, format: options.format }),
  );
}

/** One line saying which line of which file is wrong and why. */
function explainRefusal(
  file: string,
  batch: FileBatch,
  status: number,
  answer: unknown,
  options: { jsonArray: boolean; format: IngestOptions['format'] },
): string {
  const body = answer as
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
    throw new ProvmlError('NotFound', `cannot read ${file}: ${reason(error)}`);
  }
}

function reason(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
