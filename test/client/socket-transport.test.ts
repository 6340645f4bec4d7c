// The default http:// transport against scripted TCP servers on 127.0.0.1: what it sends, the answers it reads,
// and how it treats a connection the server closed or never answered on.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type Server, type Socket } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { socketTransport } from '../../src/client/socket-transport.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

interface Received {
  head: string;
  body: string;
}

/** A server that hands every complete request (Content-Length bodies) to `answer` with its socket. */
async function scripted(
  answer: (request: Received, socket: Socket, index: number) => void,
): Promise<{ url: string; requests: Received[]; connections: number; server: Server }> {
  const state = { requests: [] as Received[], connections: 0 };
  const server = createServer((socket) => {
    state.connections += 1;
    accepted.push(socket);
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffer.subarray(0, end).toString('latin1');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffer.length < end + 4 + length) return;
        const request = { head, body: buffer.subarray(end + 4, end + 4 + length).toString('utf8') };
        buffer = buffer.subarray(end + 4 + length);
        state.requests.push(request);
        answer(request, socket, state.requests.length - 1);
      }
    });
    socket.on('error', () => {});
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  servers.push(server);
  return {
    url: `http://127.0.0.1:${address.port}/api/v1/events?format=ndjson`,
    requests: state.requests,
    get connections() {
      return state.connections;
    },
    server,
  };
}

const servers: Server[] = [];
const accepted: Socket[] = [];
const transports: Array<{ close(): void }> = [];
afterEach(async () => {
  for (const transport of transports.splice(0)) transport.close();
  for (const socket of accepted.splice(0)) socket.destroy();
  for (const server of servers.splice(0)) {
    await new Promise((resolve) => server.close(resolve));
  }
});

function transport() {
  const made = socketTransport();
  transports.push(made);
  return made;
}

const json = (status: number, body: string, extra = ''): string =>
  `HTTP/1.1 ${status} X\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

const HEADERS = { 'content-type': 'application/x-ndjson', authorization: 'Bearer t0ken' };

describe('socketTransport', () => {
  it('sends each POST with its headers and exact body over one kept-alive connection', async () => {
    const server = await scripted((_, socket, i) => socket.write(json(200, `{"events":${i}}`)));
    const client = transport();
    const bodies = ['{"a":1}\n', Buffer.from('{"b":"é"}\n'), '{"c":3}\n'];
    const answers = [];
    for (const body of bodies) answers.push(await client.post(server.url, body, HEADERS, undefined, 5000));
    expect(answers).toEqual([0, 1, 2].map((i) => ({ status: 200, text: `{"events":${i}}` })));
    expect(server.connections).toBe(1);
    expect(server.requests.map((r) => r.body)).toEqual(['{"a":1}\n', '{"b":"é"}\n', '{"c":3}\n']);
    const head = server.requests[0]?.head ?? '';
    expect(head.split('\r\n')[0]).toBe('POST /api/v1/events?format=ndjson HTTP/1.1');
    expect(head).toContain(`host: ${new URL(server.url).host}`);
    expect(head).toContain('authorization: Bearer t0ken');
    expect(server.requests[1]?.head).toContain(`content-length: ${Buffer.byteLength('{"b":"é"}\n')}`);
  });

  it('reads chunked answers, skips interim 1xx answers and takes answers that arrive in pieces', async () => {
    const server = await scripted((_, socket, i) => {
      if (i === 0) {
        socket.write(
          'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\ntransfer-encoding: chunked\r\n\r\n',
        );
        socket.write('4\r\n{"ok\r\n');
        setImmediate(() => socket.write('5;x=y\r\n":1}\n\r\n0\r\ntrailer: z\r\n\r\n'));
      } else socket.write(json(400, '{"error":"bad"}'));
    });
    const client = transport();
    expect(await client.post(server.url, 'x\n', HEADERS, undefined, 5000)).toEqual({
      status: 202,
      text: '{"ok":1}\n',
    });
    expect(await client.post(server.url, 'y\n', HEADERS, undefined, 5000)).toEqual({
      status: 400,
      text: '{"error":"bad"}',
    });
    expect(server.connections).toBe(1);
  });

  it('opens a new connection after an answer that says Connection: close, or whose body ends with it', async () => {
    const server = await scripted((_, socket, i) => {
      if (i === 0) socket.end(json(200, '{}', 'connection: close\r\n'));
      else if (i === 1) socket.end('HTTP/1.1 503 Busy\r\ncontent-type: text/plain\r\n\r\nrecovering');
      else socket.write(json(200, '{"third":true}'));
    });
    const client = transport();
    expect((await client.post(server.url, '1\n', HEADERS, undefined, 5000)).status).toBe(200);
    expect(await client.post(server.url, '2\n', HEADERS, undefined, 5000)).toEqual({
      status: 503,
      text: 'recovering',
    });
    expect((await client.post(server.url, '3\n', HEADERS, undefined, 5000)).text).toBe('{"third":true}');
    expect(server.connections).toBe(3);
  });

  it('sends once more on a fresh connection when the server had closed the kept-alive one while idle', async () => {
    let sockets: Socket[] = [];
    const server = await scripted((_, socket) => {
      sockets.push(socket);
      socket.write(json(200, '{}'));
    });
    const client = transport();
    await client.post(server.url, '1\n', HEADERS, undefined, 5000);
    for (const socket of sockets) socket.destroy();
    sockets = [];
    await new Promise((resolve) => setTimeout(resolve, 50)); // the FIN reaches the client (or not: both must work)
    expect((await client.post(server.url, '2\n', HEADERS, undefined, 5000)).status).toBe(200);
    expect(server.requests.map((r) => r.body)).toEqual(['1\n', '2\n']);
    expect(server.connections).toBe(2);
  });

  it('sends once more when a kept-alive connection closes before any byte of the answer (the idle-close race)', async () => {
    const server = await scripted((_, socket, i) => {
      if (i === 1)
        socket.destroy(); // the server's keep-alive timer fired as the request came in
      else socket.write(json(200, `{"n":${i}}`));
    });
    const client = transport();
    await client.post(server.url, '1\n', HEADERS, undefined, 5000);
    expect(await client.post(server.url, '2\n', HEADERS, undefined, 5000)).toEqual({
      status: 200,
      text: '{"n":2}',
    });
    expect(server.requests.map((r) => r.body)).toEqual(['1\n', '2\n', '2\n']);
    expect(server.connections).toBe(2);
  });

  it('fails without sending again when a fresh connection closes before any answer', async () => {
    const server = await scripted((_, socket) => socket.destroy());
    const client = transport();
    await expect(client.post(server.url, '1\n', HEADERS, undefined, 5000)).rejects.toThrow(/closed/);
    expect(server.requests).toHaveLength(1);
  });

  it('fails on a connection refused, an answer that is not HTTP, a time limit and an abort', async () => {
    const refused = await scripted(() => {});
    const refusedUrl = refused.url;
    await new Promise((resolve) => refused.server.close(resolve));
    servers.splice(servers.indexOf(refused.server), 1);
    await expect(transport().post(refusedUrl, '1\n', HEADERS, undefined, 5000)).rejects.toThrow(
      /ECONNREFUSED/,
    );

    const garbage = await scripted((_, socket) => socket.write('SSH-2.0-OpenSSH\r\n\r\n'));
    await expect(transport().post(garbage.url, '1\n', HEADERS, undefined, 5000)).rejects.toThrow(
      /not an HTTP/,
    );

    const silent = await scripted(() => {});
    await expect(transport().post(silent.url, '1\n', HEADERS, undefined, 100)).rejects.toThrow(
      /no answer within/,
    );

    const controller = new AbortController();
    const pending = transport().post(silent.url, '1\n', HEADERS, controller.signal, 60_000);
    controller.abort();
    await expect(pending).rejects.toThrow(/aborted/);
    // Neither a timeout nor an abort is a stale connection: the request was not sent twice.
    expect(silent.requests.length).toBeLessThanOrEqual(2);
  });

  it('does not send again a request that close() cut, even on a kept-alive connection', async () => {
    const server = await scripted((_, socket, i) => {
      if (i === 0) socket.write(json(200, '{}'));
    });
    const client = transport();
    await client.post(server.url, '1\n', HEADERS, undefined, 5000);
    const pending = client.post(server.url, '2\n', HEADERS, undefined, 60_000);
    await new Promise((resolve) => setTimeout(resolve, 20)); // (the request may or may not have reached it)
    client.close();
    await expect(pending).rejects.toThrow(/closed/);
    expect(server.connections).toBe(1);
  });

  it('refuses a header value that would split the request', async () => {
    const server = await scripted((_, socket) => socket.write(json(200, '{}')));
    const headers = { authorization: 'Bearer x\r\nx-injected: 1' };
    await expect(transport().post(server.url, '1\n', headers, undefined, 5000)).rejects.toThrow(
      /invalid header/,
    );
    expect(server.requests).toHaveLength(0);
  });

  it('does not hold the program open once an answer is in (an idle kept-alive socket is unref-ed)', () => {
    const script = `
      import { createServer } from 'node:net';
      import { socketTransport } from './src/client/socket-transport.ts';
      const server = createServer((s) => { s.unref(); s.on('data', () => s.write('HTTP/1.1 200 OK\\r\\ncontent-length: 2\\r\\n\\r\\n{}')); });
      server.listen(0, '127.0.0.1', async () => {
        const answer = await socketTransport().post('http://127.0.0.1:' + server.address().port + '/e', 'x', {}, undefined, 5000);
        server.unref();
        console.log('answered', answer.status);
      });`;
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(run.stdout).toContain('answered 200');
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
  });
});
