import { passesByWaiting } from '../retry-policy.ts';
import type { Transport, TransportResponse } from './http-transport.ts';
import { ndjsonBody } from './ndjson-writer.ts';

/** What happened to one POST of a batch, classified for the pump. */
export type SendOutcome =
  | { kind: 'delivered'; events: number; triples: number }
  /** Worth retrying later: network failure, timeout, 5xx, 401, 403, 404, 408, 429. */
  | { kind: 'retry'; reason: string; status?: number; body?: unknown }
  /** The server refused the batch itself (4xx): retrying the same bytes cannot succeed. */
  | { kind: 'rejected'; status: number; body: unknown; reason: string };

export interface SenderOptions {
  url: string;
  token?: string;
  transport: Transport;
  requestTimeoutMs: number;
  /** Query parameters of the events endpoint (`format`, `onConflict`). */
  params?: Record<string, string>;
}

export const EVENTS_PATH = '/api/v1/events';

/**
 * Answers that say nothing against the events themselves and that the operator can fix while a training run goes
 * on: a credential or address problem (401, 403, 404), a full store (507). With the answers that pass by waiting
 * (src/retry-policy.ts), the events stay queued (and spill), rather than being declared rejected.
 */
const OPERATOR_FIXABLE = new Set([401, 403, 404, 507]);

export function eventsEndpoint(base: string, params?: Record<string, string>): string {
  const query = params && Object.keys(params).length > 0 ? `?${new URLSearchParams(params)}` : '';
  return `${base.replace(/\/+$/, '')}${EVENTS_PATH}${query}`;
}

const HEADERS: Record<string, string> = {
  'content-type': 'application/x-ndjson',
  accept: 'application/json',
};

/** POSTs NDJSON lines (one JSON event each) to the events endpoint. Never throws. */
export function postLines(
  lines: string[],
  options: SenderOptions,
  abort?: AbortSignal,
): Promise<SendOutcome> {
  return postBody(ndjsonBody(lines), lines.length, options, abort);
}

/** POSTs an NDJSON body of `lines` events to the events endpoint. Never throws. */
export async function postBody(
  body: Uint8Array,
  lines: number,
  options: SenderOptions,
  abort?: AbortSignal,
): Promise<SendOutcome> {
  const headers = options.token ? { ...HEADERS, authorization: `Bearer ${options.token}` } : HEADERS;
  let response: TransportResponse;
  try {
    response = await options.transport.post(
      eventsEndpoint(options.url, options.params),
      body,
      headers,
      abort,
      options.requestTimeoutMs,
    );
  } catch (error) {
    return { kind: 'retry', reason: describe(error) };
  }
  const answer = parseBody(response.text);
  if (response.status >= 200 && response.status < 300) {
    const counts = answer as { events?: unknown; triples?: unknown } | undefined;
    return {
      kind: 'delivered',
      events: typeof counts?.events === 'number' ? counts.events : lines,
      triples: typeof counts?.triples === 'number' ? counts.triples : 0,
    };
  }
  const reason = `HTTP ${response.status}${errorText(answer)}`;
  if (passesByWaiting(response.status) || OPERATOR_FIXABLE.has(response.status))
    return { kind: 'retry', reason, status: response.status, body: answer };
  return { kind: 'rejected', status: response.status, body: answer, reason };
}

function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function errorText(body: unknown): string {
  if (typeof body === 'string') return `: ${body.trim().slice(0, 200)}`;
  const error = (body as { error?: unknown } | undefined)?.error;
  return typeof error === 'string' ? `: ${error}` : '';
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    // A system error's code (ECONNREFUSED) says most; DOMException's numeric legacy codes say nothing.
    const cause = (error as { cause?: { code?: unknown; message?: string } }).cause;
    const code = [cause?.code, (error as { code?: unknown }).code].find((c) => typeof c === 'string');
    return (code as string | undefined) ?? cause?.message ?? error.message;
  }
  return String(error);
}
