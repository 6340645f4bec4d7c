import { BadRequestError, QueryTimeoutError } from '../../errors.ts';
import { Authenticator, type Credentials } from './auth.ts';
import { EngineAnswerCutError, EngineError, EngineUnavailableError } from './errors.ts';
import {
  announcedMaxRows,
  isPartialAnswer,
  setEngineTimeout,
  summarizeEngineError,
} from './virtuoso/http-quirks.ts';

// The SPARQL 1.1 Protocol and Graph Store Protocol as seen from the client side: one place that
// sends requests, answers authentication challenges and turns HTTP failures into provml errors.

export interface EndpointUrls {
  queryUrl: string;
  updateUrl: string;
  graphStoreUrl?: string;
}

/** An engine's answer to a query: its body, its media type and the row cap it announced. */
export interface EngineAnswer<Body> {
  body: Body;
  contentType: string;
  /** Virtuoso's X-SPARQL-MaxRows: the answer was cut at this many rows by the server's ResultSetMaxRows. */
  maxRows?: number;
}

export type EngineResponse = EngineAnswer<string>;

/** An answer read as it arrives: its body as UTF-8 bytes, pulled by the consumer (the socket waits meanwhile). */
export type EngineStream = EngineAnswer<AsyncIterable<Uint8Array>>;

type Purpose = 'query' | 'write';

const PERMISSION_ADVICE =
  'Give provml write access: on Virtuoso run `GRANT SPARQL_UPDATE TO "SPARQL";` in isql, or point PROVML_SPARQL_UPDATE_URL at /sparql-auth with PROVML_SPARQL_USER / PROVML_SPARQL_PASSWORD.';

/**
 * Virtuoso refuses a write for lack of rights with a 500 and words only ("SR186: No permission to execute
 * procedure …", "SECURITY: …"): the one place its text is read, so the refusal carries the advice above.
 */
const VIRTUOSO_PERMISSION_REFUSAL = /SECURITY|permission/i;

export class SparqlHttp {
  private readonly auth: Authenticator;
  private readonly fetchImpl: typeof fetch;

  constructor(
    readonly urls: EndpointUrls,
    credentials: Credentials | undefined,
    fetchImpl?: typeof fetch,
  ) {
    this.auth = new Authenticator(credentials);
    this.fetchImpl = fetchImpl ?? fetch;
  }

  /** POSTs a query (form-encoded, so long queries fit); `params` carries default-graph-uri and friends. */
  async query(
    query: string,
    accept: string,
    params: Array<[string, string]>,
    timeoutMs: number,
  ): Promise<EngineResponse> {
    const response = await this.postQuery(query, accept, params, timeoutMs);
    const body = await wholeText(response, this.urls.queryUrl, timeoutMs);
    return answerOf(response, body);
  }

  /**
   * POSTs a query and answers its body as it arrives, for the consumer to pull (bounded memory: the engine's
   * socket waits while the consumer does). `timeoutMs` bounds the wait for the answer to begin, then each wait
   * for more of it; a consumer that reads slowly is not timed. A body that breaks off (connection cut, the engine
   * silent for `timeoutMs`) rejects the read with EngineAnswerCutError, never ends as if complete; stopping the
   * iteration early closes the connection.
   */
  async queryStream(
    query: string,
    accept: string,
    params: Array<[string, string]>,
    timeoutMs: number,
  ): Promise<EngineStream> {
    const abort = new AbortController();
    const response = await withTimer(abort, timeoutMs, () =>
      this.postQuery(query, accept, params, timeoutMs, abort.signal),
    );
    return answerOf(response, bodyBytes(response, this.urls.queryUrl, abort, timeoutMs));
  }

  /** The engine's response to a query, refused as a timeout when the engine says it answered only in part. */
  private async postQuery(
    query: string,
    accept: string,
    params: Array<[string, string]>,
    timeoutMs: number,
    signal?: AbortSignal,
  ): Promise<Response> {
    const body = new URLSearchParams([['query', query], ...params]);
    setEngineTimeout(body, timeoutMs);
    const init = { method: 'POST', body, headers: { accept }, ...(signal ? { signal } : {}) };
    const response = await this.send(this.urls.queryUrl, init, timeoutMs, 'query');
    if (isPartialAnswer(response.headers)) {
      await response.body?.cancel();
      throw new QueryTimeoutError(timeoutMs);
    }
    return response;
  }

  async update(update: string, params: Array<[string, string]>, timeoutMs: number): Promise<void> {
    const body = new URLSearchParams([['update', update], ...params]);
    const response = await this.send(
      this.urls.updateUrl,
      { method: 'POST', body, headers: { accept: '*/*' } },
      timeoutMs,
      'write',
    );
    await response.arrayBuffer();
  }

  /** Graph Store Protocol POST (adds triples to a graph); N-Triples is sent as Turtle, which every engine reads. */
  async graphStorePost(graph: string, ntriples: string, timeoutMs: number): Promise<void> {
    if (!this.urls.graphStoreUrl) throw new Error('No Graph Store URL configured.');
    const url = new URL(this.urls.graphStoreUrl);
    url.searchParams.set('graph', graph);
    const init = {
      method: 'POST',
      body: ntriples,
      headers: { 'content-type': 'text/turtle; charset=utf-8', accept: '*/*' },
    };
    const response = await this.send(url.toString(), init, timeoutMs, 'write');
    await response.arrayBuffer();
  }

  private async send(
    url: string,
    init: RequestInit & { headers: Record<string, string> },
    timeoutMs: number,
    purpose: Purpose,
  ): Promise<Response> {
    let resent = false;
    for (let attempt = 0; ; attempt++) {
      const authorization = this.auth.header(init.method ?? 'GET', url);
      const headers = authorization ? { ...init.headers, authorization } : init.headers;
      let response: Response;
      try {
        response = await this.fetchOnce(url, { ...init, headers }, timeoutMs, purpose);
      } catch (error) {
        // A kept-alive connection the engine closed as we reused it (Virtuoso does, under load): a query
        // is safe to send again once. Writes are redelivered by the outbox instead.
        if (purpose !== 'query' || resent || !isDroppedConnection(error)) throw error;
        resent = true;
        continue;
      }
      if (response.ok) return response;
      const text = await response.text();
      if (
        response.status === 401 &&
        attempt === 0 &&
        this.auth.accept(url, response.headers.get('www-authenticate'))
      )
        continue;
      throw this.failure(url, response.status, text, purpose);
    }
  }

  private async fetchOnce(
    url: string,
    init: RequestInit,
    timeoutMs: number,
    purpose: Purpose,
  ): Promise<Response> {
    try {
      // A caller's own signal carries its own timing (queryStream); otherwise the whole exchange has timeoutMs.
      const signal = init.signal ?? (timeoutMs > 0 ? AbortSignal.timeout(timeoutMs) : undefined);
      return await this.fetchImpl(url, signal ? { ...init, signal } : init);
    } catch (error) {
      const name = (error as { name?: string }).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        if (purpose === 'query') throw new QueryTimeoutError(timeoutMs);
        throw new EngineUnavailableError(url, `no answer within ${timeoutMs} ms`, { cause: error });
      }
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new EngineUnavailableError(url, cause?.code ?? cause?.message ?? String(error), { cause: error });
    }
  }

  private failure(url: string, status: number, text: string, purpose: Purpose): Error {
    const detail = summarizeEngineError(text);
    if (status === 401)
      return new EngineError(
        url,
        status,
        detail,
        'Set PROVML_SPARQL_USER and PROVML_SPARQL_PASSWORD to an account the engine accepts.',
      );
    if (status === 403 || VIRTUOSO_PERMISSION_REFUSAL.test(detail))
      return new EngineError(url, status, detail, PERMISSION_ADVICE);
    if (status === 400)
      return new BadRequestError(
        `The SPARQL engine rejected the ${purpose === 'query' ? 'query' : 'write'}: ${detail}`,
      );
    return new EngineError(url, status, detail);
  }
}

const DROPPED_CONNECTION_CODES = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

function isDroppedConnection(error: unknown): boolean {
  const cause = (error as { cause?: { cause?: { code?: string } } }).cause?.cause;
  return cause?.code !== undefined && DROPPED_CONNECTION_CODES.has(cause.code);
}

/** The whole body; one that breaks off is EngineAnswerCutError (or the query's timeout), never a shorter text. */
async function wholeText(response: Response, url: string, timeoutMs: number): Promise<string> {
  try {
    return await response.text();
  } catch (error) {
    if ((error as { name?: string }).name === 'TimeoutError') throw new QueryTimeoutError(timeoutMs);
    throw new EngineAnswerCutError(url, describeCut(error), { cause: error });
  }
}

/** Runs `work` with `abort` set to fire (as a timeout) after `timeoutMs`; the timer ends with the work. */
async function withTimer<T>(abort: AbortController, timeoutMs: number, work: () => Promise<T>): Promise<T> {
  const timer =
    timeoutMs > 0 ? setTimeout(() => abort.abort(timeoutReason(timeoutMs)), timeoutMs) : undefined;
  try {
    return await work();
  } finally {
    clearTimeout(timer);
  }
}

const timeoutReason = (timeoutMs: number): DOMException =>
  new DOMException(`no data from the engine within ${timeoutMs} ms`, 'TimeoutError');

/** The body's bytes as they are pulled; each read waits for the engine at most `timeoutMs`. */
async function* bodyBytes(
  response: Response,
  url: string,
  abort: AbortController,
  timeoutMs: number,
): AsyncGenerator<Uint8Array> {
  if (!response.body) return;
  const reader = response.body.getReader();
  let done = false;
  try {
    for (;;) {
      let next: ReadableStreamReadResult<Uint8Array>;
      try {
        next = await withTimer(abort, timeoutMs, () => reader.read());
      } catch (error) {
        done = true;
        throw new EngineAnswerCutError(url, describeCut(error), { cause: error });
      }
      if (next.done) {
        done = true;
        return;
      }
      yield next.value;
    }
  } finally {
    // The consumer stopped early: release the connection rather than leave the engine writing to it.
    if (!done) await reader.cancel().catch(() => undefined);
  }
}

function describeCut(error: unknown): string {
  if ((error as { name?: string }).name === 'TimeoutError') return (error as Error).message;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

function answerOf<Body>(response: Response, body: Body): EngineAnswer<Body> {
  const answer: EngineAnswer<Body> = {
    body,
    contentType: response.headers.get('content-type') ?? '',
  };
  const maxRows = announcedMaxRows(response.headers);
  if (maxRows !== undefined) answer.maxRows = maxRows;
  return answer;
}
