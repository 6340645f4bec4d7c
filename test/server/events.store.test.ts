import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { askBoolean, openDurableStore, openMemoryStore, type ProvStore } from '../../src/store/index.ts';
import { workflowExecutionGraph, workflowExecutionIri } from '../../src/translate/index.ts';
import { openTestStore } from '../support/test-store.ts';
import { settledThrough } from './fixture.ts';

const fixture = (name: string): string =>
  readFileSync(join(import.meta.dirname, '../fixtures/ingest', name), 'utf8');
const lifecycle = fixture('lifecycle.ndjson');
const lifecycleEvents = lifecycle
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line));

let store: ProvStore;

function appWith(overrides: Partial<Config> = {}) {
  return createApp({ store, config: { ...defaultConfig(), ...overrides }, logger: silentLogger() });
}

async function quadCount(): Promise<number> {
  return (await store.stats()).quads;
}

beforeEach(async () => {
  store = await openTestStore();
});

afterEach(async () => {
  await store.close();
});

describe('POST /api/v1/events', () => {
  it('accepts NDJSON, answers 202 with the counts, and the events are queryable', async () => {
    const app = appWith();
    const res = await request(app).post('/api/v1/events').type('application/x-ndjson').send(lifecycle);
    expect(res.status).toBe(202);
    expect(res.body.events).toBe(lifecycleEvents.length);
    await settledThrough(app);
    expect(res.body.triples).toBe(await quadCount());
    expect(res.body.triples).toBeGreaterThan(lifecycleEvents.length);
    expect(typeof res.body.seq).toBe('number');
    const graph = workflowExecutionGraph('fx-training-1');
    const run = workflowExecutionIri('fx-training-1');
    expect(
      await askBoolean(
        store,
        `ASK { GRAPH <${graph}> { <${run}> a <https://w3id.org/provml#WorkflowExecution> } }`,
      ),
    ).toBe(true);
  });

  it('accepts a JSON array and is idempotent when the same batch comes again', async () => {
    const app = appWith();
    const first = await request(app)
      .post('/api/v1/events')
      .type('application/json')
      .send(JSON.stringify(lifecycleEvents));
    expect(first.status).toBe(202);
    await settledThrough(app);
    const size = await quadCount();
    const again = await request(app)
      .post('/api/v1/events')
      .type('application/json')
      .send(JSON.stringify(lifecycleEvents));
    expect(again.status).toBe(202);
    await settledThrough(app);
    expect(await quadCount()).toBe(size);
  });

  it('refuses the whole batch with 400 naming index and field when one event is bad, writing nothing', async () => {
    const res = await request(appWith())
      .post('/api/v1/events')
      .type('application/x-ndjson')
      .send(fixture('bad-line.ndjson'));
    expect(res.status).toBe(400);
    expect(res.type).toBe('application/json');
    expect(res.body.errors).toEqual([expect.objectContaining({ index: 3, line: 4, path: '/status' })]);
    expect(res.body.error).toContain('event 3');
    expect(await quadCount()).toBe(0);
  });

  it('reports every line that is not JSON, with its line number', async () => {
    const body = `${lifecycle.split('\n').slice(0, 2).join('\n')}\n\n{"type": oops}\n`;
    const res = await request(appWith()).post('/api/v1/events').type('application/x-ndjson').send(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual([expect.objectContaining({ index: 2, line: 4 })]);
    expect(await quadCount()).toBe(0);
  });

  it('accepts Flowcept messages with ?format=flowcept', async () => {
    const res = await request(appWith())
      .post('/api/v1/events?format=flowcept')
      .type('application/json')
      .send(fixture('flowcept.json'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ messages: 3 });
    expect(res.body.events).toBeGreaterThanOrEqual(3);
    const graph = workflowExecutionGraph('fc-wf-1');
    expect(
      await askBoolean(
        store,
        `ASK { GRAPH <${graph}> { ?task <https://w3id.org/provml#errorMessage> ?error } }`,
      ),
    ).toBe(true);
  });

  it('accepts a gzip-compressed NDJSON body', async () => {
    const res = await request(appWith())
      .post('/api/v1/events')
      .type('application/x-ndjson')
      .set('content-encoding', 'gzip')
      .send(gzipSync(lifecycle));
    expect(res.status).toBe(202);
    expect(res.body.events).toBe(lifecycleEvents.length);
  });

  it('answers 400 to an unknown format and 415 to other content types', async () => {
    const app = appWith();
    const unknown = await request(app).post('/api/v1/events?format=xml').type('application/json').send('[]');
    expect(unknown.status).toBe(400);
    const text = await request(app).post('/api/v1/events').type('text/plain').send(lifecycle);
    expect(text.status).toBe(415);
    expect(await quadCount()).toBe(0);
  });

  it('requires the token when the server has one: 401 without, 403 with a wrong one, 202 with the right one', async () => {
    const app = appWith({ token: 'right' });
    const post = () => request(app).post('/api/v1/events').type('application/x-ndjson');
    expect((await post().send(lifecycle)).status).toBe(401);
    expect((await post().set('authorization', 'Bearer wrong').send(lifecycle)).status).toBe(403);
    expect(await quadCount()).toBe(0);
    expect((await post().set('authorization', 'Bearer right').send(lifecycle)).status).toBe(202);
  });

  it('answers 413 beyond the body limit, declared or streamed, writing nothing', async () => {
    const limit = Math.floor(lifecycle.length / 2);
    const app = appWith({ maxBodyBytes: limit });
    const declared = await request(app).post('/api/v1/events').type('application/x-ndjson').send(lifecycle);
    expect(declared.status).toBe(413);

    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    const lines = lifecycle.split('\n');
    const chunked = new ReadableStream<Uint8Array>({
      pull(controller) {
        const line = lines.shift();
        if (line === undefined) controller.close();
        else controller.enqueue(new TextEncoder().encode(`${line}\n`));
      },
    });
    const streamed = await fetch(`http://127.0.0.1:${port}/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: chunked,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    await new Promise((resolve) => server.close(resolve));
    expect(await quadCount()).toBe(0);
  });

  it('only answers 202 once the batch is durable: a reopened durable store has it, and its online state', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provml-events-'));
    try {
      store = await openDurableStore({ dir });
      const res = await request(appWith())
        .post('/api/v1/events')
        .type('application/x-ndjson')
        .send(lifecycle);
      expect(res.status).toBe(202);
      // Closed at once: the refresh of the online state may be cut short; its pending markers say what it owes.
      await store.close();
      store = await openDurableStore({ dir });
      await settledThrough(appWith());
      expect(await quadCount()).toBe(res.body.triples);
    } finally {
      await store.close();
      store = await openMemoryStore(); // closed by afterEach
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
