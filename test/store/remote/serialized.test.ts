import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.ts';
import { CSV, N_TRIPLES, SPARQL_RESULTS_JSON, TSV, TURTLE } from '../../../src/rdf/index.ts';
import { openSparqlStore, type SerializedResults, type SparqlStore } from '../../../src/store/index.ts';
import { appOver, testConfig } from '../../server/fixture.ts';
import { type Listening, listenOnLoopback } from '../../support/listen.ts';

// The remote store's serialized answers against a stand-in engine on 127.0.0.1 that sends its body in parts
// the test releases, or cuts it: the answer is written on as it arrives (the first piece is out while the
// engine still holds the rest), and a body that breaks off is an error, never a shorter answer.

const ACCEPT = { results: SPARQL_RESULTS_JSON, graph: N_TRIPLES };
const HEAD = '{"head":{"link":[],"vars":["n"]},"results":{"distinct":false,"ordered":true,"bindings":[';
const row = (n: number) =>
  `{"n":{"type":"typed-literal","datatype":"http://www.w3.org/2001/XMLSchema#integer","value":"${n}"}}`;
const rows = (from: number, count: number) =>
  Array.from({ length: count }, (_, i) => row(from + i)).join(',');
const EMPTY_RESULTS = '{"head":{"vars":[]},"results":{"bindings":[]}}';

type Script = (res: ServerResponse) => Promise<void> | void;

const servers: Server[] = [];
const stores: SparqlStore[] = [];
const dirs: string[] = [];
const listening: Listening[] = [];
afterEach(async () => {
  for (const app of listening.splice(0)) await app.close();
  for (const store of stores.splice(0)) await store.close();
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    server.close();
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A store over an engine that answers provml's graph listing at once and every user query with `script`. */
async function storeOver(script: Script): Promise<SparqlStore> {
  const server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const form = new URLSearchParams(await text(req));
    // provml's own queries (the graph listing, the online state's) find nothing; the user's get the script.
    if (
      !(form.get('query') ?? '').includes('?s ?p ?n') &&
      !(form.get('query') ?? '').startsWith('CONSTRUCT')
    ) {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' }).end(EMPTY_RESULTS);
      return;
    }
    await script(res);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sparql`;
  const outboxDir = mkdtempSync(join(tmpdir(), 'provml-serialized-'));
  dirs.push(outboxDir);
  const store = await openSparqlStore({ queryUrl: url, updateUrl: url, outboxDir, logger: silentLogger() });
  stores.push(store);
  return store;
}

async function text(req: IncomingMessage): Promise<string> {
  let body = '';
  for await (const chunk of req) body += chunk;
  return body;
}

/** Resolves when the test calls the returned release(). */
function gate(): { opened: Promise<void>; release: () => void } {
  let release: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    release = resolve;
  });
  return { opened, release };
}

async function serialized(store: SparqlStore, query: string, accept = ACCEPT): Promise<SerializedResults> {
  const answer = await store.query(query, { accept });
  if (answer.kind !== 'serialized') throw new Error(`expected a serialized answer, got ${answer.kind}`);
  return answer;
}

async function readAll(body: AsyncIterable<string>): Promise<{ pieces: string[]; error?: unknown }> {
  const pieces: string[] = [];
  try {
    for await (const piece of body) pieces.push(piece);
    return { pieces };
  } catch (error) {
    return { pieces, error };
  }
}

describe('the remote store’s serialized answers', () => {
  it('writes the rows on while the engine still holds the rest of its answer', async () => {
    const rest = gate();
    const store = await storeOver(async (res) => {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      res.write(`${HEAD}${rows(0, 100)}`);
      await rest.opened;
      res.end(`,${rows(100, 100)}]}}`);
    });
    const answer = await serialized(store, 'SELECT ?n WHERE { ?s ?p ?n }');
    const pieces = answer.body[Symbol.asyncIterator]();
    const first = await pieces.next();
    expect(first.value).toMatch(/^\{"head":\{"vars":\["n"\]\},"results":\{"bindings":\[\{"n":/);
    rest.release();
    const { pieces: others, error } = await readAll({ [Symbol.asyncIterator]: () => pieces });
    expect(error).toBeUndefined();
    const document = JSON.parse([first.value, ...others].join(''));
    expect(document.results.bindings.map((b: { n: { value: string } }) => Number(b.n.value))).toEqual(
      Array.from({ length: 200 }, (_, i) => i),
    );
    expect(document.results.bindings[0].n.datatype).toBe('http://www.w3.org/2001/XMLSchema#integer');
  });

  it.each([
    [SPARQL_RESULTS_JSON, /\]\}\}$/],
    [CSV, /^n\r\n0\r\n/],
    [TSV, /^\?n\r\n"0"\^\^<http:\/\/www\.w3\.org\/2001\/XMLSchema#integer>\r\n/],
  ])(
    'fails the body, never ends it, when the engine’s connection breaks mid-answer (%s)',
    async (results, complete) => {
      const store = await storeOver((res) => {
        res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
        res.write(`${HEAD}${rows(0, 50)}`);
        setImmediate(() => res.socket?.destroy());
      });
      const answer = await serialized(store, 'SELECT ?n WHERE { ?s ?p ?n }', { ...ACCEPT, results });
      const { pieces, error } = await readAll(answer.body);
      expect(error).toMatchObject({
        code: 'UpstreamFailed',
        message: expect.stringMatching(/broke off its answer/),
      });
      if (results === SPARQL_RESULTS_JSON) expect(pieces.join('')).not.toMatch(complete);
      else expect(pieces.join('')).toMatch(complete);
    },
  );

  it('fails the body when the engine ends its answer cleanly before the document’s end', async () => {
    const store = await storeOver((res) => {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      res.end(`${HEAD}${rows(0, 10)}`);
    });
    const answer = await serialized(store, 'SELECT ?n WHERE { ?s ?p ?n }');
    const { error } = await readAll(answer.body);
    expect(error).toMatchObject({ code: 'UpstreamFailed', message: expect.stringMatching(/cut short/) });
  });

  it('fails the body when a declared length is not met', async () => {
    const store = await storeOver((res) => {
      const body = `${HEAD}${rows(0, 10)}]}}`;
      res.writeHead(200, {
        'content-type': 'application/sparql-results+json',
        'content-length': body.length + 100,
      });
      res.write(body);
      setImmediate(() => res.socket?.destroy());
    });
    const answer = await serialized(store, 'SELECT ?n WHERE { ?s ?p ?n }');
    const { error } = await readAll(answer.body);
    expect(error).toMatchObject({ code: 'UpstreamFailed' });
  });

  it('fails a CONSTRUCT whose N-Triples break off, after passing on the lines that came whole', async () => {
    const triple = (n: number) => `<urn:s${n}> <urn:p> "${n}" .\n`;
    const store = await storeOver((res) => {
      res.writeHead(200, { 'content-type': 'application/n-triples' });
      res.write(`${triple(1)}${triple(2)}<urn:s3> <urn:p> "3`);
      setImmediate(() => res.socket?.destroy());
    });
    const answer = await serialized(store, 'CONSTRUCT WHERE { ?s ?p ?o }');
    const { pieces, error } = await readAll(answer.body);
    expect(error).toMatchObject({ code: 'UpstreamFailed' });
    expect(pieces.join('')).toBe(`${triple(1)}${triple(2)}`);
  });

  it('writes a CONSTRUCT in Turtle whole, and fails it as a whole when the engine breaks off', async () => {
    const store = await storeOver((res) => {
      res.writeHead(200, { 'content-type': 'application/n-triples' });
      res.write('<urn:s1> <urn:p> "1" .\n');
      setImmediate(() => res.socket?.destroy());
    });
    await expect(
      store.query('CONSTRUCT WHERE { ?s ?p ?o }', { accept: { ...ACCEPT, graph: TURTLE } }),
    ).rejects.toMatchObject({ code: 'UpstreamFailed' });
  });

  it('closes the engine’s connection when the reader stops early', async () => {
    const closed = gate();
    const store = await storeOver((res) => {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      res.write(`${HEAD}${rows(0, 10)}`);
      res.on('close', closed.release);
    });
    const answer = await serialized(store, 'SELECT ?n WHERE { ?s ?p ?n }');
    for await (const _piece of answer.body) break;
    await closed.opened;
  });

  it('answers provml’s client 502 when the engine breaks off before the response has begun', async () => {
    const store = await storeOver((res) => {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      res.write(`${HEAD}${rows(0, 50)}`);
      setImmediate(() => res.socket?.destroy());
    });
    const response = await getSparql(store);
    expect(response.status).toBe(502);
    expect(await response.text()).toMatch(/broke off its answer/);
  });

  it('cuts provml’s response short, never ends it, when the engine breaks off after it has begun', async () => {
    const store = await storeOver((res) => {
      res.writeHead(200, { 'content-type': 'application/sparql-results+json' });
      // More than the sockets hold: written out only once provml has read (and passed on) most of it.
      res.write(`${HEAD}${rows(0, 20_000)}`, () => res.socket?.destroy());
    });
    const response = await getSparql(store);
    expect(response.status).toBe(200);
    await expect(response.text()).rejects.toThrow();
  });
});

/** GET /sparql of an app over `store`, the body left to read. */
async function getSparql(store: SparqlStore): Promise<Response> {
  const provml = await listenOnLoopback(appOver(store, testConfig()));
  listening.push(provml);
  const query = encodeURIComponent('SELECT ?n WHERE { ?s ?p ?n }');
  return fetch(`${provml.url}/sparql?query=${query}`, { headers: { accept: SPARQL_RESULTS_JSON } });
}
