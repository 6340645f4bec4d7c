import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { openMemoryStore, type ProvStore } from '../../src/store/index.ts';
import { workflowExecutionIri } from '../../src/translate/index.ts';
import { type Listening, listenOnLoopback } from '../support/listen.ts';

// GET /api/v1/live: server-sent events telling the comparison view that a run it shows was written to.
// It carries signals only (no data), refuses what any read refuses, and opens no write path.

let store: ProvStore;
let listening: Listening;
let url: string;
const RUN_A = workflowExecutionIri('live-a');
const RUN_B = workflowExecutionIri('live-b');

beforeAll(async () => {
  store = await openMemoryStore();
  const app = createApp({ store, config: { ...defaultConfig(), corsOrigins: [] }, logger: silentLogger() });
  listening = await listenOnLoopback(app);
  url = listening.url;
});

afterAll(async () => {
  await listening.close();
  await store.close();
});

let sequence = 0;
async function post(executionId: string): Promise<void> {
  const event = {
    type: 'workflow.started',
    schema: 'provml/1',
    id: `e${sequence++}`,
    time: new Date(Date.UTC(2024, 0, 1, 0, sequence)).toISOString(),
    workflowExecutionId: executionId,
    name: 'train',
  };
  const response = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify([event]),
  });
  expect(response.status).toBe(202);
}

interface SentEvent {
  event: string;
  data: string;
}

/** Reads server-sent events until `until` says stop; returns them and closes the stream. */
async function readEvents(
  response: Response,
  until: (events: SentEvent[]) => boolean,
  whenOpen: () => Promise<void> = async () => undefined,
): Promise<SentEvent[]> {
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: SentEvent[] = [];
  let buffer = '';
  let opened = false;
  try {
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const field = (name: string): string | undefined =>
          block
            .split('\n')
            .find((line) => line.startsWith(`${name}: `))
            ?.slice(name.length + 2);
        const event = field('event');
        if (event) events.push({ event, data: field('data') ?? '' });
        end = buffer.indexOf('\n\n');
      }
      if (!opened && events.some((e) => e.event === 'ready')) {
        opened = true;
        await whenOpen();
      }
    }
  } finally {
    await reader.cancel();
  }
  return events;
}

const live = (executions: string[]): string =>
  `${url}/api/v1/live?${executions.map((e) => `execution=${encodeURIComponent(e)}`).join('&')}`;

describe('GET /api/v1/live', () => {
  it('signals a write to a watched run, and not one to another run', async () => {
    const response = await fetch(live([RUN_A]));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const events = await readEvents(
      response,
      (seen) => seen.some((e) => e.event === 'ingested'),
      async () => {
        await post('live-b');
        await post('live-a');
      },
    );
    expect(events[0]?.event).toBe('ready');
    const signalled = events.filter((e) => e.event === 'ingested').map((e) => JSON.parse(e.data));
    expect(signalled.length).toBeGreaterThan(0);
    for (const data of signalled) expect(data).toEqual({ execution: [RUN_A] });
  });

  it('names which of several watched runs was written to', async () => {
    const events = await readEvents(
      await fetch(live([RUN_A, RUN_B])),
      (seen) => seen.some((e) => e.event === 'ingested'),
      () => post('live-b'),
    );
    expect(JSON.parse(events.find((e) => e.event === 'ingested')?.data ?? '{}')).toEqual({
      execution: [RUN_B],
    });
  });

  it('wants at least one execution', async () => {
    const response = await fetch(`${url}/api/v1/live`);
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/execution=IRI/);
  });

  it('opens no write path: any other method is a 405 (Allow: GET)', async () => {
    for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
      const body = method === 'POST' || method === 'PUT' ? 'x' : undefined;
      const response = await fetch(live([RUN_A]), { method, body });
      expect(response.status, method).toBe(405);
      expect(response.headers.get('allow'), method).toBe('GET');
      expect(response.headers.get('content-type') ?? '', method).not.toMatch(/event-stream/);
      await response.arrayBuffer();
    }
  });

  it('refuses a Host that is not this server (DNS rebinding), before any stream opens', async () => {
    const status = await new Promise<{ code: number; type: string }>((resolve, reject) => {
      const req = httpRequest(live([RUN_A]), { headers: { Host: 'evil.example:7070' } }, (res) => {
        resolve({ code: res.statusCode ?? 0, type: String(res.headers['content-type']) });
        res.resume();
      });
      req.on('error', reject);
      req.end();
    });
    expect(status.code).toBe(403);
    expect(status.type).not.toMatch(/event-stream/);
  });

  it('gives a page of another origin no CORS grant to read it (as any read, under corsOrigins)', async () => {
    const response = await fetch(live([RUN_A]), { headers: { Origin: 'http://evil.example' } });
    expect(response.headers.get('access-control-allow-origin')).toBeNull();
    await response.body?.cancel();
  });
});
