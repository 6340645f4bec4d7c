import { createRecorder, type DeliverySummary } from '../client/index.ts';
import { ProvmlError } from '../errors.ts';
import { type DemoRecord, recordSeismicLifecycle } from './lifecycle.ts';
import { type ServerSummary, summarizeFromServer } from './summary.ts';

export interface DemoOptions {
  url: string;
  token?: string;
  onWarning?: (message: string) => void;
}

export interface DemoResult {
  record: DemoRecord;
  delivery: DeliverySummary;
  server: ServerSummary;
}

/** Records the demo lifecycle through the real client and HTTP API, then asks the server what it holds. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  await requireServer(options.url);
  const warnings: string[] = [];
  const recorder = createRecorder({
    url: options.url,
    token: options.token,
    idPrefix: 'demo',
    // A scripted lifecycle with fixed ids, times, users and hosts: no process of its own to record, and this
    // process's id would make every re-run a different version of the same events (a conflict, not a no-op).
    pid: null,
    onWarning: (message) => {
      warnings.push(message);
      options.onWarning?.(message);
    },
  });
  const record = recordSeismicLifecycle(recorder);
  const delivery = await recorder.close({ timeoutMs: 30_000 });
  if (!delivery.complete || delivery.rejected > 0) {
    const why = warnings[0] ?? `${delivery.pending} event(s) undelivered, ${delivery.rejected} rejected`;
    throw new ProvmlError(
      'UpstreamFailed',
      `the demo could not deliver its events to ${options.url}: ${why}`,
    );
  }
  return { record, delivery, server: await summarizeFromServer(options.url, record.experimentId) };
}

async function requireServer(url: string): Promise<void> {
  try {
    const response = await fetch(`${url.replace(/\/+$/, '')}/health`, { signal: AbortSignal.timeout(5_000) });
    if (response.ok) return;
  } catch {
    // Answered below with what to do.
  }
  throw new ProvmlError(
    'Unavailable',
    `no provml server answers at ${url}: start one with \`npm start\` in another terminal, or run \`provml demo --in-process\`.`,
  );
}
