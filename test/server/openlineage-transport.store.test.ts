import { readFileSync } from 'node:fs';
import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { askBoolean } from '../../src/store/index.ts';
import { taskExecutionIri, workflowExecutionGraph } from '../../src/translate/index.ts';
import { openTestStore } from '../support/test-store.ts';

// The bytes the OpenLineage HTTP transports put on the wire (read from their sources, OpenLineage/OpenLineage:
// client/python/src/openlineage/client/transport/http.py and client/java/.../transports/HttpTransport.java):
// one event per POST to <url>/api/v1/lineage, Content-Type application/json (Java adds "; charset=UTF-8" and
// Accept: application/json), Authorization: Bearer <api key>, and with compression on a gzip body under
// Content-Encoding: gzip (Java streams it chunked, without a Content-Length). Sent over a real socket.
const EVENT = readFileSync(
  join(import.meta.dirname, '../fixtures/openlineage/spec_start_event.json'),
  'utf8',
);
const RUN_ID = (JSON.parse(EVENT) as { run: { runId: string } }).run.runId;
const TOKEN = 'ol-api-key';

let store: ProvStore;
let server: Server;
let port = 0;

function send(
  headers: Record<string, string>,
  body: Buffer | string,
  options: { chunked?: boolean; path?: string } = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: options.path ?? '/api/v1/lineage',
      headers: options.chunked ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
    });
    req.on('error', reject);
    if (options.chunked) {
      // Two writes without a length: Node sends Transfer-Encoding: chunked, as Apache HttpClient does.
      const bytes = Buffer.from(body);
      req.write(bytes.subarray(0, 10));
      req.end(bytes.subarray(10));
    } else req.end(body);
  });
}

const recorded = () =>
  askBoolean(
    store,
    `ASK { GRAPH <${workflowExecutionGraph(RUN_ID)}> { <${taskExecutionIri(RUN_ID, RUN_ID)}> <http://www.w3.org/ns/prov#startedAtTime> ?t } }`,
  );

beforeEach(async () => {
  store = await openTestStore();
  const app = createApp({ store, config: { ...defaultConfig(), token: TOKEN }, logger: silentLogger() });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await store.close();
});

describe('POST /api/v1/lineage as the OpenLineage HTTP transports send it', () => {
  it('the Python client: application/json, Bearer API key', async () => {
    const res = await send({ 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, EVENT);
    expect(res.status, res.body).toBe(202);
    expect(await recorded()).toBe(true);
  });

  it('the Python client with compression: gzip', async () => {
    const res = await send(
      { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${TOKEN}` },
      gzipSync(EVENT, { level: 3 }),
    );
    expect(res.status, res.body).toBe(202);
    expect(await recorded()).toBe(true);
  });

  it('the Java client: charset parameter, Accept, gzip streamed chunked, extra URL parameters', async () => {
    const res = await send(
      {
        'content-type': 'application/json; charset=UTF-8',
        accept: 'application/json',
        'content-encoding': 'gzip',
        authorization: `Bearer ${TOKEN}`,
      },
      gzipSync(EVENT),
      { chunked: true, path: '/api/v1/lineage?source=spark' },
    );
    expect(res.status, res.body).toBe(202);
    expect(JSON.parse(res.body)).toMatchObject({ messages: 1 });
    expect(await recorded()).toBe(true);
  });

  it('without the API key, or with a wrong one, nothing is written (401 and 403)', async () => {
    expect((await send({ 'content-type': 'application/json' }, EVENT)).status).toBe(401);
    expect(
      (await send({ 'content-type': 'application/json', authorization: 'Bearer wrong' }, EVENT)).status,
    ).toBe(403);
    expect(await recorded()).toBe(false);
  });

  it('a body that is not gzip under Content-Encoding: gzip is a 400, nothing written', async () => {
    const res = await send(
      { 'content-type': 'application/json', 'content-encoding': 'gzip', authorization: `Bearer ${TOKEN}` },
      EVENT,
    );
    expect(res.status).toBe(400);
    expect(await recorded()).toBe(false);
  });
});
