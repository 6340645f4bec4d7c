import { Agent, request as httpRequest, type IncomingMessage, type RequestOptions } from 'node:http';

/** One POST's answer, read in full. */
export interface TransportResponse {
  status: number;
  text: string;
}

/** Sends one request body; rejects on a network failure or abort (the sender classifies both as "retry"). */
export interface Transport {
  post(
    url: string,
    body: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ): Promise<TransportResponse>;
  close(): void;
}

/** A caller-supplied fetch (tests, or a user who routes through their own dispatcher). */
export function fetchTransport(fetchFn: typeof fetch): Transport {
  return {
    async post(url, body, headers, signal) {
      const response = await fetchFn(url, { method: 'POST', headers, body, signal });
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
 * idle keep-alive sockets are unref'ed by Node's agent, so they never hold the program open.
 */
export function keepAliveTransport(): Transport {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  // node:https (and TLS) is loaded only for an https URL: the client stays light to import.
  let tls: Promise<{ https: typeof import('node:https'); agent: Agent }> | undefined;
  return {
    async post(url, body, headers, signal) {
      const target = new URL(url);
      const options: RequestOptions = {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        signal,
      };
      if (target.protocol === 'https:') {
        tls ??= import('node:https').then((https) => ({
          https,
          agent: new https.Agent({ keepAlive: true, maxSockets: 1 }),
        }));
        const { https, agent: tlsAgent } = await tls;
        options.agent = tlsAgent;
        return send((callback) => https.request(target, options, callback), body);
      }
      options.agent = agent;
      return send((callback) => httpRequest(target, options, callback), body);
    },
    close() {
      agent.destroy();
      void tls?.then(({ agent: tlsAgent }) => tlsAgent.destroy());
    },
  };
}

function send(
  open: (callback: (response: IncomingMessage) => void) => ReturnType<typeof httpRequest>,
  body: string,
): Promise<TransportResponse> {
  return new Promise((resolve, reject) => {
    const req = open((response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}
