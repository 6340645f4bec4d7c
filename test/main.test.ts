import { Agent, type IncomingMessage, request } from 'node:http';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../src/config.ts';
import { silentLogger } from '../src/logger.ts';
import { type RunningServer, startServer } from '../src/main.ts';
import { DEFAULT_ONTOLOGY_DIR, readShippedOntologyGraph } from '../src/ontology/index.ts';
import { openDurableStore, openMemoryStore, type ProvStore } from '../src/store/index.ts';
import { quadsOf, tempDir } from './store/durable/helpers.ts';

const config = (overrides: Partial<Config> = {}): Config => ({
  ...defaultConfig(),
  port: 0,
  host: '127.0.0.1',
  dataDir: tempDir(),
  ...overrides,
});

const start = (c: Config, openStore?: (c: Config) => Promise<ProvStore>): Promise<RunningServer> =>
  startServer(c, silentLogger(), { handleSignals: false, ...(openStore ? { openStore } : {}) });

const ontologyQuads = async (): Promise<number> =>
  (await readShippedOntologyGraph(DEFAULT_ONTOLOGY_DIR))?.quads.length ?? 0;

describe('startServer', () => {
  it('listens before the store has loaded: /health says "starting", other routes 503 with Retry-After', async () => {
    let release: (store: ProvStore) => void = () => {};
    const loading = new Promise<ProvStore>((resolve) => {
      release = resolve;
    });
    let running: RunningServer | undefined;
    const listening = new Promise<string>((resolve) => {
      void startServer(config(), silentLogger(), {
        handleSignals: false,
        openStore: () => loading,
        onListening: resolve,
      }).then((server) => {
        running = server;
      });
    });
    const url = await listening;

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(503);
    expect(health.headers.get('retry-after')).toBe('5');
    expect(await health.json()).toMatchObject({ status: 'starting' });
    const query = await fetch(`${url}/sparql?query=${encodeURIComponent('ASK {}')}`);
    expect(query.status).toBe(503);
    expect(query.headers.get('retry-after')).toBe('5');
    expect(await query.text()).toMatch(/starting: the store is still loading/);
    const write = await fetch(`${url}/api/v1/events`, { method: 'POST', body: '[]' });
    expect(write.status).toBe(503);

    release(await openMemoryStore());
    while (!running) await new Promise((resolve) => setImmediate(resolve));
    const ready = await fetch(`${url}/health`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok' });
    await running.close();
  });

  it('keeps an idle connection open for 65 s, past the 5 s after which a capture loop would race its close', async () => {
    const running = await start(config(), () => openMemoryStore());
    try {
      const answer = await new Promise<IncomingMessage>((resolve, reject) => {
        const req = request(`${running.url}/health`, { agent: new Agent({ keepAlive: true }) }, resolve);
        req.on('error', reject);
        req.end();
      });
      answer.resume();
      expect(answer.headers['keep-alive']).toBe('timeout=65');
      expect(answer.headers.connection).toBe('keep-alive');
    } finally {
      await running.close();
    }
  });

  it('refuses, as a configuration error, a size limit below the ontology graph itself', async () => {
    const quads = await ontologyQuads();
    await expect(start(config({ maxQuads: quads - 1 }))).rejects.toMatchObject({
      name: 'ConfigError',
      message: expect.stringContaining(
        `PROVML_MAX_QUADS is ${quads - 1}, below the ${quads} quads of the shipped ontology graph`,
      ),
    });
    const server = await start(config({ maxQuads: quads }));
    await server.close();
  });

  it('restarts a store at or over its size limit read-only, serving reads, without rewriting the ontology', async () => {
    const c = config();
    const first = await start(c);
    await first.close();
    // Add data beside the ontology, through the store itself.
    const store = await openDurableStore({ dir: c.dataDir });
    for (let n = 0; n < 10; n++) await store.insert(quadsOf(n));
    const total = (await store.stats()).quads;
    await store.close();

    // At the limit: an ontology rewrite (thousands of quads) would have been refused with 507.
    const atLimit = await start({ ...c, maxQuads: total });
    expect(await (await fetch(`${atLimit.url}/health`)).json()).toMatchObject({
      status: 'ok',
      quads: total,
      readOnly: true,
    });
    await atLimit.close();

    // Over the limit (above the ontology's size): read-only, reads served.
    const over = await start({ ...c, maxQuads: total - 10 });
    const health = (await (await fetch(`${over.url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ status: 'ok', readOnly: true });
    expect(health.readOnlyReason).toMatch(/at its limit|stopped loading/);
    const ask = await fetch(
      `${over.url}/sparql?query=${encodeURIComponent('ASK { GRAPH <http://example.org/g/main> { <http://example.org/item/9> ?p ?o } }')}`,
      { headers: { accept: 'application/sparql-results+json' } },
    );
    expect(((await ask.json()) as { boolean: boolean }).boolean).toBe(true);
    const refused = await fetch(`${over.url}/sparql`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-update' },
      body: 'INSERT DATA { <http://e/s> <http://e/p> "x" }',
    });
    expect(refused.status).toBe(507);
    await over.close();
  });

  it('warns at start-up, and still serves, on a Node.js below what the server dependencies require', async () => {
    const said = async (nodeVersion: string): Promise<Array<Record<string, unknown>>> => {
      const lines: Array<Record<string, unknown>> = [];
      const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
      const server = await startServer(config(), logger, { handleSignals: false, nodeVersion });
      expect((await fetch(`${server.url}/health`)).status).toBe(200);
      await server.close();
      return lines.filter((line) => line.node !== undefined);
    };
    const old = await said('20.20.2');
    expect(old).toHaveLength(1);
    expect(old[0]).toMatchObject({ level: 40, node: '20.20.2', msg: expect.stringMatching(/not supported/) });
    expect(await said('24.21.0')).toEqual([]);
  });
});
