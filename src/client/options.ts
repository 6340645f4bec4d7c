import { randomUUID } from 'node:crypto';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileSink } from './file-sink.ts';
import { HttpSink } from './http-sink.ts';
import type { EventSink } from './sink.ts';
import { stderrWarning, Warner } from './warnings.ts';

export const DEFAULT_SERVER_URL = 'http://127.0.0.1:7070';

export interface RecorderOptions {
  /** Server base URL (default: $PROVML_URL, else http://127.0.0.1:7070). Ignored when `file` is set. */
  url?: string;
  /** Bearer token for a server started with PROVML_TOKEN (default: $PROVML_TOKEN). */
  token?: string;
  /** Offline mode: append NDJSON events to this file instead of sending them (load later with `provml ingest`). */
  file?: string;
  /** Where events go when the server is unreachable and memory is full (default: a file in the temp dir). */
  spillFile?: string;
  /** Where events the server refused are kept with its reasons (default: spill file name + .rejected.ndjson). */
  rejectedFile?: string;
  /** Events per request (default 500). */
  batchSize?: number;
  /** Background send/write interval (default 1000 ms). */
  flushIntervalMs?: number;
  /** In-memory bound before spilling to the spill file (default 50 000 events). */
  maxBufferedEvents?: number;
  /** One request's time limit (default 10 000 ms). */
  requestTimeoutMs?: number;
  /** close()'s default deadline (default 30 000 ms; Infinity waits for delivery). */
  closeTimeoutMs?: number;
  /** Back-off after a failed send: base and cap in ms (defaults 250 and 30 000), jitter source. */
  retryBaseMs?: number;
  retryMaxMs?: number;
  random?: () => number;
  /** Sends with this fetch instead of node:http over one keep-alive connection. */
  fetch?: typeof fetch;
  /** Receives each kind of trouble once (default: a line on stderr). */
  onWarning?: (message: string) => void;
  /** Default workflow execution of events that do not name one (default: the last workflow started). */
  workflowExecutionId?: string;
  /** Prefix of generated event, task, model and dataset ids (default: random per recorder). A fixed prefix makes a
   *  replayed capture with explicit times produce the same ids, hence the same triples (idempotent). */
  idPrefix?: string;
  /** Recorded on workflow and task events. */
  user?: string;
  persona?: string;
  host?: string;
  /** Process id recorded on workflow and task events (default: this process's; null records none, e.g. for a
   *  scripted replay whose events must be the same whichever process sends them). */
  pid?: number | null;
}

export interface SinkAndWarner {
  sink: EventSink;
  warner: Warner;
}

export function createSink(options: RecorderOptions): SinkAndWarner {
  const warner = new Warner(options.onWarning ?? stderrWarning);
  const batchSize = positive(options.batchSize, 500);
  const flushIntervalMs = positive(options.flushIntervalMs, 1000);
  if (options.file !== undefined) {
    return { warner, sink: new FileSink({ file: options.file, batchSize, flushIntervalMs, warner }) };
  }
  const spillFile =
    options.spillFile ?? join(tmpdir(), `provml-spill-${process.pid}-${randomUUID().slice(0, 8)}.ndjson`);
  const sink = new HttpSink({
    url: options.url ?? process.env.PROVML_URL ?? DEFAULT_SERVER_URL,
    token: options.token ?? process.env.PROVML_TOKEN,
    fetch: options.fetch,
    spillFile,
    rejectedFile: options.rejectedFile ?? `${spillFile.replace(/\.ndjson$/, '')}.rejected.ndjson`,
    batchSize,
    flushIntervalMs,
    maxBufferedEvents: positive(options.maxBufferedEvents, 50_000),
    requestTimeoutMs: positive(options.requestTimeoutMs, 10_000),
    closeTimeoutMs: options.closeTimeoutMs ?? 30_000,
    backoff: {
      baseMs: positive(options.retryBaseMs, 250),
      maxMs: positive(options.retryMaxMs, 30_000),
      random: options.random ?? Math.random,
    },
    warner,
  });
  return { sink, warner };
}

export function defaultHost(options: RecorderOptions): string {
  return options.host ?? hostname();
}

function positive(value: number | undefined, fallback: number): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : fallback;
}
