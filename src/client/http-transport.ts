import type { Agent, ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { socketTransport } from './socket-transport.ts';

/** One POST's answer, read in full. */
export interface TransportResponse {
  status: number;
  text: string;
}

/** Sends one request body; rejects on a network failure, a timeout or an abort (the sender retries all three). */
export interface Transport {
  post(
    url: string,
    body: string | Uint8Array,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
    timeoutMs: number,
  ): Promise<TransportResponse>;
  close(): void;
  /** Whether the bytes of `body` (given to `post`) are no longer read, so that the caller may write over them. */
  released?(body: Uint8Array): boolean;
}

/** A caller-supplied fetch (tests, or a user who routes through their own dispatcher). */
export function fetchTransport(fetchFn: typeof fetch): Transport {
  return {
    async post(url, body, headers, signal, timeoutMs) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const response = await fetchFn(url, {
        method: 'POST',
        headers,
        body: body as Uint8Array<ArrayBuffer> | string,
        signal: signal ? AbortSignal.any([timeout, signal]) : timeout,
      });
      let text = '';
      try {
        text = await response.text();
      } catch {
        // A body that cannot be read says nothing more than the status.
      }
      return { status: response.status, text };
    },
    close() {},
  };
}

/**
 * The default: http:// over one kept-alive socket with a minimal HTTP/1.1 exchange (src/client/socket-transport.ts,
 * the cheapest in CPU per request of node:http, undici and fetch: docs/performance.md); https:// through node:https
 * over ONE keep-alive connection (the pump sends one batch at a time, so a second socket would only cost a
 * handshake). The time limit is one timer per request rather than `AbortSignal.timeout` + `AbortSignal.any` (a
 * quarter of a request's CPU).
 */
export function keepAliveTransport(): Transport {
  const plain = socketTransport();
  // node:https (and TLS) is loaded only for an https URL: the client stays light to import.
  let tls: Promise<{ https: typeof import('node:https'); agent: Agent }> | undefined;
  let lastUrl = '';
  let lastTarget: URL | undefined;
  return {
    async post(url, body, headers, signal, timeoutMs) {
      if (!/^https:/i.test(url)) return plain.post(url, body, headers, signal, timeoutMs);
      if (url !== lastUrl || !lastTarget) {
        lastTarget = new URL(url);
        lastUrl = url;
      }
      const target = lastTarget;
      tls ??= import('node:https').then((https) => ({
        https,
        agent: new https.Agent({ keepAlive: true, maxSockets: 1 }),
      }));
      const { https, agent } = await tls;
      const options: RequestOptions = {
        method: 'POST',
        agent,
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      };
      return send((callback) => https.request(target, options, callback), body, signal, timeoutMs);
    },
    close() {
      plain.close();
      void tls?.then(({ agent }) => agent.destroy());
    },
    // node:https may still hold a body it was given: only the socket transport's are known to be written.
    released: (body) => plain.released?.(body) === true,
  };
}

function send(
  open: (callback: (response: IncomingMessage) => void) => ClientRequest,
  body: string | Uint8Array,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError());
      return;
    }
    const req = open((response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => {
        done();
        resolve({ status: response.statusCode ?? 0, text });
      });
      response.on('error', fail);
      // A socket destroyed mid-answer (the time limit, an abort) must settle the promise too.
      response.on('close', () => {
        if (!response.complete) fail(new Error('the answer was cut short'));
      });
    });
    // The limit covers the whole exchange, answer included (as AbortSignal.timeout did), not socket idleness.
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    const onAbort = (): void => void req.destroy(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
    function fail(error: Error): void {
      done();
      reject(error);
    }
    req.on('error', fail);
    req.end(body);
  });
}

function abortError(): Error {
  return new Error('the request was aborted');
}
