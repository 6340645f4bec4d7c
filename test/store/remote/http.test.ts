import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { QueryTimeoutError } from '../../../src/errors.ts';
import { EngineAnswerCutError, EngineUnavailableError } from '../../../src/store/remote/errors.ts';
import { SparqlHttp } from '../../../src/store/remote/http.ts';

// The protocol client against small 127.0.0.1 servers that misbehave on purpose.

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
});

async function serve(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/sparql`;
}

describe('SPARQL protocol client', () => {
  it('reports an engine that is down as 503 naming its URL', async () => {
    const url = await serve(() => undefined);
    servers[0]?.close();
    await once(servers[0] as Server, 'close');
    const http = new SparqlHttp({ queryUrl: url, updateUrl: url }, undefined);
    const error = await http
      .query('ASK {}', 'application/sparql-results+json', [], 1_000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect((error as EngineUnavailableError).code).toBe('Unavailable');
    expect((error as Error).message).toContain(url);
  });

  it('turns a query that gets no answer in time into QueryTimeoutError', async () => {
    const url = await serve(() => undefined);
    const http = new SparqlHttp({ queryUrl: url, updateUrl: url }, undefined);
    await expect(http.query('ASK {}', 'application/sparql-results+json', [], 200)).rejects.toBeInstanceOf(
      QueryTimeoutError,
    );
  });

  it('streams an answer: QueryTimeoutError if it does not begin in time, cut if the engine then falls silent', async () => {
    const silent = await serve(() => undefined);
    const http = new SparqlHttp({ queryUrl: silent, updateUrl: silent }, undefined);
    await expect(
      http.queryStream('ASK {}', 'application/sparql-results+json', [], 200),
    ).rejects.toBeInstanceOf(QueryTimeoutError);
    const stalling = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      res.write('{"head":');
    });
    const stalled = new SparqlHttp({ queryUrl: stalling, updateUrl: stalling }, undefined);
    const answer = await stalled.queryStream('ASK {}', 'application/sparql-results+json', [], 200);
    const read = async () => {
      for await (const _bytes of answer.body);
    };
    await expect(read()).rejects.toMatchObject({
      code: 'UpstreamFailed',
      message: expect.stringMatching(/broke off its answer \(no data from the engine within 200 ms\)/),
    });
  });

  it('answers a body cut short as EngineAnswerCutError, also when it is read whole', async () => {
    const url = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json', 'content-length': '1000' });
      res.write('{"head":');
      setImmediate(() => res.socket?.destroy());
    });
    const http = new SparqlHttp({ queryUrl: url, updateUrl: url }, undefined);
    await expect(http.query('ASK {}', 'application/sparql-results+json', [], 5_000)).rejects.toBeInstanceOf(
      EngineAnswerCutError,
    );
  });

  it('answers a Basic challenge with the configured credentials', async () => {
    const seen: Array<string | undefined> = [];
    const url = await serve((req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== `Basic ${Buffer.from('ann:secret').toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="x"' }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' }).end('{"boolean":true}');
    });
    const http = new SparqlHttp({ queryUrl: url, updateUrl: url }, { username: 'ann', password: 'secret' });
    expect((await http.query('ASK {}', 'application/sparql-results+json', [], 2_000)).body).toBe(
      '{"boolean":true}',
    );
    expect(seen[0]).toBeUndefined();
  });
  it('sends a query again once when the engine drops the connection, but not a write', async () => {
    let requests = 0;
    const url = await serve((req, res) => {
      requests += 1;
      if (requests % 2 === 1) {
        req.socket.destroy(); // as an engine closing a kept-alive connection while it is reused
        return;
      }
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      res.end('{"head":{},"boolean":true}');
    });
    const http = new SparqlHttp({ queryUrl: url, updateUrl: url }, undefined);
    const answer = await http.query('ASK {}', 'application/sparql-results+json', [], 5_000);
    expect(answer.body).toContain('true');
    expect(requests).toBe(2);
    const write = await http.update('INSERT DATA {}', [], 5_000).catch((e: unknown) => e);
    expect(write).toBeInstanceOf(EngineUnavailableError);
    expect(requests).toBe(3);
  });

  it('gives up on a query after one resend', async () => {
    let requests = 0;
    const url = await serve((req) => {
      requests += 1;
      req.socket.destroy();
    });
    const http = new SparqlHttp({ queryUrl: url, updateUrl: url }, undefined);
    const error = await http
      .query('ASK {}', 'application/sparql-results+json', [], 5_000)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EngineUnavailableError);
    expect(requests).toBe(2);
  });

  it.each([
    ['SR186: No permission to execute procedure DB.DBA.SPARQL_INSERT_DICT_CONTENT with user ID 107'],
    ['SECURITY: the user has no write rights'],
  ])(
    'a write Virtuoso refuses for lack of rights (%s) is UpstreamFailed with the way to grant them',
    async (said) => {
      const url = await serve((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end(said));
      const http = new SparqlHttp({ queryUrl: url, updateUrl: url }, undefined);
      const error = await http
        .update('INSERT DATA { <a:s> <a:p> <a:o> }', [], 1_000)
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        code: 'UpstreamFailed',
        message: expect.stringContaining('GRANT SPARQL_UPDATE'),
      });
    },
  );
});
