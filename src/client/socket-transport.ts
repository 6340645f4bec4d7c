import { connect, type Socket } from 'node:net';
import { type ParsedHead, parseResponse } from './http-response.ts';
import type { Transport, TransportResponse } from './http-transport.ts';

/**
 * http:// over ONE kept-alive TCP connection, with the smallest HTTP/1.1 exchange the events endpoint needs: one
 * write of head and body, a status line, headers and a Content-Length or chunked answer read back. It costs the
 * training process about half the CPU per request of node:http (undici's Client measured the same as node:http
 * here): docs/performance.md. The socket is unref'ed between requests, so an idle connection never holds
 * the program open, and is replaced when the server closed it while idle.
 */
export function socketTransport(): Transport {
  let connection: Connection | undefined;
  /** Bumped by close(): a request cut by it is not sent again on a fresh connection. */
  let generation = 0;
  let lastUrl = '';
  let lastTarget: Target | undefined;
  /** The last body whose write completed (or failed): the socket reads none of its bytes any more. */
  let written: Uint8Array | undefined;
  const onWritten = (body: Uint8Array): void => {
    written = body;
  };
  return {
    async post(url, body, headers, signal, timeoutMs) {
      if (url !== lastUrl || !lastTarget) {
        lastTarget = targetOf(url);
        lastUrl = url;
      }
      const target = lastTarget;
      const request = requestBytes(target, body, headers);
      const reused = connection?.usable(target.authority) === true;
      if (!reused) {
        connection?.destroy();
        connection = new Connection(target);
      }
      const started = generation;
      const exchange = async (over: Connection): Promise<TransportResponse> => {
        // A stale connection's failed write calls back too: only this attempt's write may release the body
        // (a server may answer before it has read the whole body, while the retry's write is still pending).
        written = undefined;
        try {
          return await over.exchange(request, signal, timeoutMs, onWritten);
        } catch (error) {
          if (over === connection) connection = undefined;
          over.destroy();
          throw error;
        }
      };
      try {
        return await exchange(connection as Connection);
      } catch (error) {
        // A kept-alive connection the server closed while idle fails before any byte of an answer: the request
        // never reached it, so it goes once more on a fresh connection (the events endpoint is idempotent anyway).
        const retry =
          reused && error instanceof StaleConnection && !signal?.aborted && started === generation;
        if (!retry) throw unwrap(error);
        connection = new Connection(target);
        return await exchange(connection).catch((retryError: unknown) => {
          throw unwrap(retryError);
        });
      }
    },
    close() {
      generation += 1;
      connection?.destroy();
      connection = undefined;
    },
    released: (body) => body === written,
  };
}

interface Target {
  host: string;
  port: number;
  /** Host header value; also which connection serves this target. */
  authority: string;
  path: string;
}

function targetOf(url: string): Target {
  const parsed = new URL(url);
  if (parsed.protocol !== 'http:')
    throw new Error(`socket transport: only http:// URLs, got ${parsed.protocol}`);
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = parsed.port === '' ? 80 : Number(parsed.port);
  return { host, port, authority: parsed.host, path: `${parsed.pathname}${parsed.search}` };
}

/** A request's head and body, written together (one writev: the body is not copied). */
interface RequestBytes {
  head: string;
  body: Uint8Array;
}

function requestBytes(
  target: Target,
  body: string | Uint8Array,
  headers: Record<string, string>,
): RequestBytes {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  let head = `POST ${target.path} HTTP/1.1\r\nhost: ${target.authority}\r\n`;
  for (const name in headers) {
    const value = headers[name] as string;
    if (/[\r\n]/.test(name) || /[\r\n]/.test(value))
      throw new Error(`invalid header ${JSON.stringify(name)}`);
    head += `${name}: ${value}\r\n`;
  }
  head += `content-length: ${payload.byteLength}\r\n\r\n`;
  return { head, body: payload };
}

/** The request failed before any byte of an answer came back on a reused connection. */
class StaleConnection extends Error {
  constructor(readonly original: Error) {
    super(original.message);
  }
}

function unwrap(error: unknown): unknown {
  return error instanceof StaleConnection ? error.original : error;
}

/** One TCP connection; one exchange at a time (the pump sends one batch at a time). */
class Connection {
  private readonly socket: Socket;
  private closed = false;
  private failure: Error | undefined;
  private buffered: Buffer | undefined;
  private onData: ((chunk: Buffer) => void) | undefined;
  private onEnd: ((error: Error) => void) | undefined;

  constructor(private readonly target: Target) {
    this.socket = connect({ host: target.host, port: target.port, noDelay: true });
    this.socket.on('data', (chunk: Buffer) => {
      if (this.onData) this.onData(chunk);
      // Bytes nobody asked for (between exchanges) mean the connection cannot be trusted for the next answer.
      else this.failure ??= new Error('the server sent bytes outside an answer');
    });
    this.socket.on('error', (error) => this.end(error));
    this.socket.on('end', () => this.end(new Error('the server closed the connection')));
    this.socket.on('close', () => this.end(new Error('the connection closed')));
  }

  usable(authority: string): boolean {
    return !this.closed && this.failure === undefined && authority === this.target.authority;
  }

  destroy(): void {
    this.closed = true;
    this.socket.destroy();
  }

  exchange(
    request: RequestBytes,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    onWritten: (body: Uint8Array) => void,
  ): Promise<TransportResponse> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new Error('the request was aborted'));
        return;
      }
      let answered = false;
      const settle = (error: Error | undefined, response?: TransportResponse): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.onData = undefined;
        this.onEnd = undefined;
        this.buffered = undefined;
        if (!this.closed) this.socket.unref();
        if (error) reject(answered ? error : new StaleConnection(error));
        else resolve(response as TransportResponse);
      };
      const fail = (error: Error): void => {
        this.destroy();
        settle(error);
      };
      // The limit covers the whole exchange, answer included, not socket idleness.
      const timer = setTimeout(() => {
        answered = true; // a timeout is not a stale connection: the server may be working on it
        fail(new Error(`no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const onAbort = (): void => {
        answered = true;
        fail(new Error('the request was aborted'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.onEnd = (error) => {
        // An answer whose body runs to the end of the connection is complete now.
        let parsed: ReturnType<typeof parseResponse>;
        try {
          parsed = this.buffered ? parseResponse(this.buffered, true) : undefined;
        } catch {
          parsed = undefined;
        }
        if (parsed) settle(undefined, { status: parsed.head.status, text: parsed.body });
        else settle(error);
      };
      this.onData = (chunk) => {
        answered = true;
        this.buffered = this.buffered ? Buffer.concat([this.buffered, chunk]) : chunk;
        let parsed: ReturnType<typeof parseResponse>;
        try {
          parsed = parseResponse(this.buffered);
        } catch (error) {
          fail(error as Error);
          return;
        }
        if (parsed === undefined) return;
        if (parsed.rest > 0) {
          fail(new Error('the server sent bytes after its answer'));
          return;
        }
        if (mustClose(parsed.head)) this.destroy();
        settle(undefined, { status: parsed.head.status, text: parsed.body });
      };
      if (this.closed || this.failure) {
        settle(this.failure ?? new Error('the connection closed'));
        return;
      }
      this.socket.ref();
      this.socket.cork();
      this.socket.write(request.head, 'latin1');
      // The callback runs once the socket no longer reads the body (written, or dropped by an error or destroy).
      this.socket.write(request.body, () => onWritten(request.body));
      this.socket.uncork();
    });
  }

  private end(error: Error): void {
    if (this.closed && !this.onEnd) return;
    this.closed = true;
    this.socket.destroy();
    this.onEnd?.(error);
  }
}

function mustClose(head: ParsedHead): boolean {
  return head.connection === 'close' || head.version === '1.0';
}
