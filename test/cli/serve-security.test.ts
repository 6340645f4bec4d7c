// `provml serve --allowed-hosts … --write-origins …` in a process of its own: the flags reach the guards.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'provml-serve-security-'));
let server: ServeProcess;

beforeAll(async () => {
  server = await startServeProcess(
    [
      '--port',
      '0',
      '--data',
      dataDir,
      '--allowed-hosts',
      'provml.test',
      '--write-origins',
      'http://localhost:5173',
    ],
    { env: { ...process.env, PROVML_LOG_LEVEL: 'warn', PROVML_TOKEN: '' } },
  );
});

afterAll(async () => {
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A raw request, so Host can be any name (fetch always sends the URL's). */
function send(method: string, path: string, headers: Record<string, string>, body = ''): Promise<number> {
  const url = new URL(path, server.url);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });
}

const UPDATE = 'INSERT DATA { <urn:x:a> <urn:x:p> "serve-security" }';

describe('provml serve with --allowed-hosts and --write-origins', () => {
  it('serves a listed Host and refuses another', async () => {
    expect(await send('GET', '/health', { host: 'provml.test:7070' })).toBe(200);
    expect(await send('GET', '/health', { host: 'other.test:7070' })).toBe(403);
  });

  it('lets the listed origin write and refuses any other page', async () => {
    const type = { 'content-type': 'application/sparql-update' };
    expect(await send('POST', '/sparql', { ...type, origin: 'http://evil.example' }, UPDATE)).toBe(403);
    expect(await send('POST', '/sparql', { ...type, origin: 'http://localhost:5173' }, UPDATE)).toBe(204);
    expect(await send('POST', '/sparql', type, UPDATE)).toBe(204);
  });
});
