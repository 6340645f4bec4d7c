import { mkdtemp, rm } from 'node:fs/promises';
import { get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import type { QuadData } from '../../src/rdf/index.ts';
import { createApp } from '../../src/server/app.ts';
import { type DurableStore, openDurableStore } from '../../src/store/index.ts';

// A Graph Store GET streams the graph from the durable store's worker as the client reads it; a client
// that goes away ends the dump, so the engine is free again (a dump left open would hold it for good).

const G = 'http://example.org/big';
const QUADS = 400_000; // eight pages of 50,000: more than the worker sends ahead and the response holds
let dir = '';
let store: DurableStore;
let server: Server;
let base = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-gsp-stream-'));
  store = await openDurableStore({ dir, logger: silentLogger() });
  for (let first = 0; first < QUADS; first += 20_000) {
    const batch: QuadData[] = Array.from({ length: 20_000 }, (_, i) => ({
      subject: { termType: 'NamedNode', value: `http://example.org/s${first + i}` },
      predicate: { termType: 'NamedNode', value: 'http://example.org/p' },
      object: { termType: 'NamedNode', value: `http://example.org/o${i % 7}` },
      graph: { termType: 'NamedNode', value: G },
    }));
    await store.insert(batch);
  }
  const app = createApp({
    store,
    config: loadConfig({ flags: { dataDir: '/nonexistent-test-data' } }),
    logger: silentLogger(),
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, 120_000);

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await store.close();
  await rm(dir, { recursive: true, force: true });
});

const url = `/store?graph=${encodeURIComponent(G)}`;

describe('Graph Store GET streams', () => {
  it('sends every quad of a graph larger than a page, chunked', async () => {
    const { headers, text } = await new Promise<{ headers: Record<string, unknown>; text: string }>(
      (resolve, reject) =>
        get(`${base}${url}`, { headers: { accept: 'application/n-quads' } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
          });
          res.on('end', () => resolve({ headers: res.headers, text }));
        }).on('error', reject),
    );
    expect(headers['transfer-encoding']).toBe('chunked');
    const lines = text.split('\n').filter(Boolean);
    expect(lines).toHaveLength(QUADS);
    expect(lines.every((line) => line.endsWith(` <${G}> .`))).toBe(true);
  });

  it('ends the dump when the client goes away after the first piece', async () => {
    await new Promise<void>((resolve, reject) => {
      const request = get(`${base}${url}`, { headers: { accept: 'application/n-quads' } }, (res) => {
        res.once('data', () => {
          request.destroy();
          resolve();
        });
      });
      request.on('error', (error) =>
        (error as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(error),
      );
    });
    // Runs only once the engine is free: the dump the client left was ended.
    expect((await store.stats()).quads).toBe(QUADS);
  });
});
