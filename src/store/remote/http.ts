import { BadRequestError, QueryTimeoutError } from '../../errors.ts';
import { Authenticator, type Credentials } from './auth.ts';
import { EngineError, EngineUnavailableError } from './errors.ts';
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

export interface EngineResponse {
  body: string;
  contentType: string;
  /** Virtuoso's X-SPARQL-MaxRows: the answer was cut at this many rows by the server's ResultSetMaxRows. */
  maxRows?: number;
}

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
    const body = new URLSearchParams([['query', query], ...params]);
    setEngineTimeout(body, timeoutMs);
    const response = await this.send(
      this.urls.queryUrl,
      { method: 'POST', body, headers: { accept } },
      timeoutMs,
      'query',
    );
    if (isPartialAnswer(response.headers)) throw new QueryTimeoutError(timeoutMs);
    const maxRows = announcedMaxRows(response.headers);
    const answer: EngineResponse = {
      body: await response.text(),
      contentType: response.headers.get('content-type') ?? '',
    };
    if (maxRows !== undefined) answer.maxRows = maxRows;
    return answer;
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
      return await this.fetchImpl(
        url,
        timeoutMs > 0 ? { ...init, signal: AbortSignal.timeout(timeoutMs) } : init,
      );
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
