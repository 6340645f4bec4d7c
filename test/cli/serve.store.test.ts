import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { REMOTE_DEFAULT_GRAPH } from '../../src/vocab.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { serverEnvForTestBackend } from '../support/test-store.ts';

const BIN = resolve(import.meta.dirname, '../../src/cli/provml.js');
const dataDir = mkdtempSync(join(tmpdir(), 'provml-serve-'));
const children: ChildProcess[] = [];
// The embedded store in the default suite; the worker's Virtuoso (through the outbox) in the Virtuoso suite.
let backendEnv: Record<string, string> = {};
beforeAll(async () => {
  backendEnv = await serverEnvForTestBackend();
});

/** Starts `provml serve` on the test's data directory and backend. */
function serve(...args: string[]): Promise<ServeProcess> {
  return startServeProcess(['--port', '0', '--data', dataDir, ...args], {
    env: { ...process.env, ...backendEnv, PROVML_LOG_LEVEL: 'warn', PROVML_TOKEN: '' },
    onSpawn: (child) => children.push(child),
  });
}

async function run(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, ...env },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

const ask = async (url: string, query: string): Promise<unknown> => {
  const res = await fetch(`${url}/sparql?query=${encodeURIComponent(query)}`);
  expect(res.headers.get('content-type')).toMatch(/^application\/sparql-results\+json/);
  return ((await res.json()) as { boolean: unknown }).boolean;
};

const update = (url: string, text: string): Promise<Response> =>
  fetch(`${url}/sparql`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/sparql-update' },
    body: text,
  });

afterEach(async () => {
  const running = children.splice(0).filter((child) => child.exitCode === null && child.signalCode === null);
  await Promise.all(
    running.map(async (child) => {
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    }),
  );
});
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('provml serve (end to end)', () => {
  it('answers ASK {} in SPARQL JSON, keeps acknowledged writes across SIGTERM and SIGKILL', async () => {
    const first = await serve();
    expect(await ask(first.url, 'ASK {}')).toBe(true);
    const health = (await (await fetch(`${first.url}/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    expect(
      (await update(first.url, 'INSERT DATA { GRAPH <http://e/g> { <http://e/s> <http://e/p> "graceful" } }'))
        .status,
    ).toBe(204);
    first.child.kill('SIGTERM');
    const [code] = (await once(first.child, 'exit')) as [number | null];
    expect(code).toBe(0);

    const second = await serve();
    expect(await ask(second.url, 'ASK { GRAPH <http://e/g> { <http://e/s> <http://e/p> "graceful" } }')).toBe(
      true,
    );
    expect((await update(second.url, 'INSERT DATA { <http://e/s> <http://e/p> "killed" }')).status).toBe(204);
    second.child.kill('SIGKILL');
    await once(second.child, 'exit');

    const third = await serve();
    expect(await ask(third.url, 'ASK { <http://e/s> <http://e/p> "killed" }')).toBe(true);
    expect(await ask(third.url, 'ASK { GRAPH <http://e/g> { ?s ?p "graceful" } }')).toBe(true);
    const engine = backendEnv.PROVML_SPARQL_QUERY_URL;
    if (engine) {
      // On the Virtuoso suite the data is really in Virtuoso, the default graph in provml's stand-in.
      const inEngine = `ASK { GRAPH <${REMOTE_DEFAULT_GRAPH}> { <http://e/s> <http://e/p> "killed" } }`;
      const res = await fetch(`${engine}?query=${encodeURIComponent(inEngine)}`, {
        headers: { accept: 'application/sparql-results+json' },
      });
      expect(((await res.json()) as { boolean: unknown }).boolean).toBe(true);
    }
  });

  it.each([
    [['serve', '--port', 'abc'], {}, /--port: expected a port number/],
    [['serve', '--query-timeout-ms', '0'], {}, /--query-timeout-ms: expected a time limit/],
    [
      ['serve', '--config', '/nonexistent/provml.json'],
      {},
      /config file \/nonexistent\/provml\.json: cannot read it/,
    ],
    [
      ['serve', '--port', '0', '--data', join(dataDir, 'limited')],
      { PROVML_MAX_QUADS: '100', PROVML_STORE: 'embedded' },
      /PROVML_MAX_QUADS is 100, below the \d+ quads of the shipped ontology graph/,
    ],
  ])('exits non-zero with a one-line reason for %j %j', async (args, env, reason) => {
    const { code, stderr } = await run(args, env);
    expect(code).not.toBe(0);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(stderr).toMatch(reason);
  });
});
