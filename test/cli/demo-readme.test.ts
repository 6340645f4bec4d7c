// The README's quick start shows real output: what `npm start` (a fresh data directory, the ontology loaded)
// and `npm run demo`, run twice, print and store. A figure that drifts from today's code fails here.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { type RunningServer, startServer } from '../../src/main.ts';
import { runCli } from '../support/run-cli.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The groups of `pattern` where the README first quotes it (missing: the README no longer says it). */
function quoted(pattern: RegExp): string[] {
  const match = README.match(pattern);
  expect(match, `README: ${pattern}`).not.toBeNull();
  return (match as RegExpMatchArray).slice(1);
}

const dataDir = mkdtempSync(join(tmpdir(), 'provml-readme-'));
let server: RunningServer;
beforeAll(async () => {
  const config: Config = { ...defaultConfig(), port: 0, host: '127.0.0.1', dataDir };
  server = await startServer(config, silentLogger(), { handleSignals: false });
});
afterAll(async () => {
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function countAll(): Promise<string> {
  const res = await fetch(`${server.url}/sparql`, {
    method: 'POST',
    headers: { accept: 'text/csv', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }' }),
  });
  return (await res.text()).trim().split(/\r?\n/)[1] ?? '';
}

describe('the README quick start', () => {
  it('quotes what the demo prints and stores on a fresh data directory, and that a second run writes nothing', async () => {
    const [events, triples] = quoted(/\n {2}(\d+) events delivered, (\d+) triples written\n/);
    const [total] = quoted(/SELECT \(COUNT\(\*\) AS \?n\) WHERE \{ \?s \?p \?o \}'\n# n\n# (\d+)\n/);
    const [repeated] = quoted(
      /it reports `(\d+ events delivered,\s+all\s+already\s+recorded,\s+nothing\s+written)`/,
    );

    const first = await runCli('demo', '--url', server.url);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).toContain(`  ${events} events delivered, ${triples} triples written\n`);
    expect(await countAll()).toBe(total);

    const second = await runCli('demo', '--url', server.url);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).toContain(repeated?.replace(/\s+/g, ' '));
    expect(await countAll()).toBe(total);
  });
});
