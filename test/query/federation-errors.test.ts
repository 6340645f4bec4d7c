import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asFederationError, runFederated } from '../../src/query/federation.ts';
import { prepareQuery } from '../../src/store/index.ts';

const SOURCE = 'http://127.0.0.1:9/sparql';

describe('asFederationError (after the query parsed)', () => {
  it('an aborted fetch is the federated time limit (UpstreamTimeout)', () => {
    const aborted = new DOMException('This operation was aborted', 'AbortError');
    expect(asFederationError(aborted, [SOURCE], 100)).toMatchObject({ code: 'UpstreamTimeout' });
  });

  it("Comunica's own per-request time limit, said only in words, is UpstreamTimeout too", () => {
    const comunica = new Error(`Fetch timed out for ${SOURCE}?query=ASK%7B%7D after 1500 ms`);
    expect(asFederationError(comunica, [SOURCE], 1500)).toMatchObject({ code: 'UpstreamTimeout' });
  });

  it('a connection that timed out, said by its code in the chain of causes, is UpstreamTimeout', () => {
    const connect = Object.assign(new Error('Connect Timeout Error'), { code: 'UND_ERR_CONNECT_TIMEOUT' });
    const failure = new TypeError('fetch failed', { cause: connect });
    expect(asFederationError(failure, [SOURCE], 100)).toMatchObject({ code: 'UpstreamTimeout' });
  });

  it('any other failure is the source failing (UpstreamFailed), naming the source its message names', () => {
    const other = 'http://127.0.0.1:10/sparql';
    const failure = new TypeError('fetch failed', { cause: new Error(`connect ECONNREFUSED for ${SOURCE}`) });
    const error = asFederationError(failure, [SOURCE, other], 100);
    expect(error).toMatchObject({ code: 'UpstreamFailed' });
    expect(error.message).toContain(SOURCE);
    expect(error.message).not.toContain(other);
  });
});

describe('runFederated tells a query Comunica cannot parse from a source answering garbage', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      res.end('{not json');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sparql`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('a source answering what does not parse as results is UpstreamFailed, not a bad query', async () => {
    // Its message ("Unexpected "o" at position 2") once read as a syntax error of the query (400).
    await expect(
      runFederated('SELECT * WHERE { ?s ?p ?o } LIMIT 1', { sources: [url], timeoutMs: 10_000 }),
    ).rejects.toMatchObject({ code: 'UpstreamFailed' });
  });

  it('a text Comunica cannot parse is BadRequest, before any source is asked', async () => {
    // No query sparqljs accepts is known to fail Comunica's parser, so the prepared text is replaced.
    const prepared = { ...prepareQuery('SELECT * WHERE { ?s ?p ?o }'), text: 'SELEC nothing' };
    await expect(runFederated(prepared, { sources: [SOURCE], timeoutMs: 10_000 })).rejects.toMatchObject({
      code: 'BadRequest',
      message: expect.stringMatching(/^Invalid federated query: /),
    });
  });
});
