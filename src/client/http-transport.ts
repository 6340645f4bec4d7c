import { Agent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';

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
 * The default: node:http over ONE keep-alive connection (the pump sends one batch at a time, so a second socket
 * would only cost a handshake). Measured cheaper in CPU per request than the global fetch (docs/performance.md);
 * idle keep-alive sockets are unref'ed by Node's agent, so they never hold the program open. The time limit is
 * one timer per request rather than `AbortSignal.timeout` + `AbortSignal.any` (a quarter of a request's CPU).
 */
export function keepAliveTransport(): Transport {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // node:https (and TLS) is loaded only for an https URL: the client stays light to import.
  let tls: Promise<{ https: typeof import('node:https'); agent: Agent }> | undefined;
  let lastUrl = '';
  let lastTarget: URL | undefined;
  return {
    async post(url, body, headers, signal, timeoutMs) {
      if (url !== lastUrl || !lastTarget) {
        lastTarget = new URL(url);
        lastUrl = url;
      }
      const target = lastTarget;
      const options: RequestOptions = {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
      };
      if (target.protocol === 'https:') {
        tls ??= import('node:https').then((https) => ({
          https,
          agent: new https.Agent({ keepAlive: true, maxSockets: 1 }),
        }));
        const { https, agent: tlsAgent } = await tls;
        options.agent = tlsAgent;
        return send((callback) => https.request(target, options, callback), body, signal, timeoutMs);
      }
      options.agent = agent;
      return send((callback) => httpRequest(target, options, callback), body, signal, timeoutMs);
    },
    close() {
      agent.destroy();
      void tls?.then(({ agent: tlsAgent }) => tlsAgent.destroy());
    },
  };
}

function send(
  open: (callback: (response: IncomingMessage) => void) => ReturnType<typeof httpRequest>,
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
