import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createRecorder } from '../../src/client/index.ts';
import { loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp, startServer } from '../../src/server-entry.ts';

const root = mkdtempSync(join(tmpdir(), 'provml-start-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const configFor = (name: string, port = 0) =>
  loadConfig({ flags: { port, dataDir: join(root, name), logLevel: 'silent' } });

describe('startServer', () => {
  it('serves the durable store with the ontology graph, then closes and frees the port', async () => {
    const running = await startServer(configFor('a'), silentLogger(), { handleSignals: false });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const res = await fetch(
        `${running.url}/sparql?query=${encodeURIComponent('ASK { GRAPH ?g { ?s a <http://www.w3.org/2002/07/owl#Class> } }')}`,
      );
      expect(await res.json()).toMatchObject({ boolean: true });
    } finally {
      await running.close();
    }
    await expect(fetch(`${running.url}/health`)).rejects.toThrow();
  });

  it('explains a port that is already in use', async () => {
    const first = await startServer(configFor('b'), silentLogger(), { handleSignals: false });
    try {
      const port = Number(new URL(first.url).port);
      await expect(
        startServer(configFor('c', port), silentLogger(), { handleSignals: false }),
      ).rejects.toThrow(/127\.0\.0\.1:\d+ is already in use: .*--port \/ PROVML_PORT/);
    } finally {
      await first.close();
    }
  });

  it('is reachable through the package entry together with the client', () => {
    expect(typeof createApp).toBe('function');
    expect(typeof createRecorder).toBe('function');
  });
});
