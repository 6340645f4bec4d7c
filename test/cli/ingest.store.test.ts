import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseNdjson } from '../../src/capture/index.ts';
import { ingestFiles } from '../../src/cli/ingest-files.ts';
import { quadToNQuads } from '../../src/rdf/index.ts';
import { askBoolean, dumpText } from '../../src/store/index.ts';
import { prepareBatch, workflowExecutionIri } from '../../src/translate/index.ts';
import { runCli } from '../support/run-cli.ts';
import { type InProcessServer, startInProcessServer } from './in-process-server.ts';

const FIXTURES = join(import.meta.dirname, '../fixtures/ingest');
let server: InProcessServer;
let dir: string;
let file: string;

/** Distinct quads the whole fixture translates to, plus one record per event: what a complete ingest must
 *  leave in an empty store. */
function expectedQuads(path: string): number {
  const parsed = parseNdjson(readFileSync(path, 'utf8'));
  if (!parsed.ok) throw new Error('fixture is not NDJSON');
  const prepared = prepareBatch(parsed.items);
  if (!prepared.ok) throw new Error('fixture is not valid');
  return new Set(prepared.quads.map(quadToNQuads)).size + prepared.events.length;
}

const run = runCli;

beforeEach(async () => {
  server = await startInProcessServer();
  dir = mkdtempSync(join(tmpdir(), 'provml-ingest-'));
  file = join(dir, 'lifecycle.ndjson');
  copyFileSync(join(FIXTURES, 'lifecycle.ndjson'), file);
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('provml ingest', () => {
  it('loads a fixture file through the server and reports the counts', async () => {
    const result = await run('ingest', file, '--url', server.url, '--batch-size', '7');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('32 events');
    expect(result.stdout).toContain('5 batch(es)');
    expect((await server.store.stats()).quads).toBe(expectedQuads(file));
    const run1 = workflowExecutionIri('fx-training-1');
    expect(
      await askBoolean(
        server.store,
        `ASK { GRAPH ?g { <${run1}> a <https://w3id.org/provml#WorkflowExecution> } }`,
      ),
    ).toBe(true);
    expect(existsSync(`${file}.provml-progress`)).toBe(false);
  });

  it('resumes after an interruption from the last acknowledged batch, and a full re-run changes nothing', async () => {
    let requests = 0;
    const failingAfterTwo: typeof fetch = async (input, init) => {
      requests += 1;
      if (requests > 2) throw new TypeError('fetch failed');
      return fetch(input, init);
    };
    const options = { url: server.url, batchSize: 5, format: 'provml' as const, retries: 0 };
    await expect(ingestFiles([file], { ...options, fetch: failingAfterTwo })).rejects.toThrow(/cannot reach/);
    const progress = JSON.parse(readFileSync(`${file}.provml-progress`, 'utf8'));
    expect(progress).toMatchObject({ line: 10, events: 10 });
    expect((await server.store.stats()).quads).toBeLessThan(expectedQuads(file));

    const [resumed] = await ingestFiles([file], options);
    expect(resumed).toMatchObject({ events: 22, resumedFrom: progress.offset });
    expect(existsSync(`${file}.provml-progress`)).toBe(false);
    const complete = (await server.store.stats()).quads;
    expect(complete).toBe(expectedQuads(file));

    const again = await run('ingest', file, '--url', server.url);
    expect(again.code).toBe(0);
    expect((await server.store.stats()).quads).toBe(complete);
  });

  it('exits non-zero with one line naming the bad line and field', async () => {
    const bad = join(FIXTURES, 'bad-line.ndjson');
    const result = await run('ingest', bad, '--url', server.url);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/bad-line\.ndjson line 4: \/status must be one of/);
    expect((await server.store.stats()).quads).toBe(0);
  });

  it('stops with one line naming the id when an event id was recorded before with other content', async () => {
    expect((await run('ingest', file, '--url', server.url)).code).toBe(0);
    const before = (await dumpText(server.store.dump({ format: 'application/n-quads' }))).split('\n').sort();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const changed = JSON.parse(lines[4] as string);
    changed.name = 'renamed cube';
    lines[4] = JSON.stringify(changed);
    const edited = join(dir, 'edited.ndjson');
    writeFileSync(edited, `${lines.join('\n')}\n`);

    const refused = await run('ingest', edited, '--url', server.url, '--batch-size', '10');
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain(`edited.ndjson line 5: event '${changed.id}' of workflow execution`);
    expect(refused.stderr).toContain('already recorded with different content');
    expect(refused.stderr).toContain('--on-conflict replace');
    const after = (await dumpText(server.store.dump({ format: 'application/n-quads' }))).split('\n').sort();
    expect(after).toEqual(before);

    const rerun = await run('ingest', file, '--url', server.url, '--restart');
    expect(rerun.code).toBe(0);
    expect((await dumpText(server.store.dump({ format: 'application/n-quads' }))).split('\n').sort()).toEqual(
      before,
    );

    const replaced = await run(
      'ingest',
      edited,
      '--url',
      server.url,
      '--restart',
      '--on-conflict',
      'replace',
    );
    expect(replaced.code).toBe(0);
    expect(
      await askBoolean(server.store, `ASK { GRAPH ?g { ?d <https://w3id.org/provml#name> "renamed cube" } }`),
    ).toBe(true);
    expect(
      await askBoolean(
        server.store,
        `ASK { GRAPH ?g { ?d <https://w3id.org/provml#name> "${JSON.parse(readFileSync(file, 'utf8').trim().split('\n')[4] as string).name}" } }`,
      ),
    ).toBe(false);
  });

  it('ingests Flowcept messages from a JSON array file with --format flowcept', async () => {
    const result = await run(
      'ingest',
      join(FIXTURES, 'flowcept.json'),
      '--url',
      server.url,
      '--format',
      'flowcept',
    );
    expect(result.code).toBe(0);
    expect(
      await askBoolean(
        server.store,
        'ASK { GRAPH ?g { ?task <https://w3id.org/provml#errorMessage> ?error } }',
      ),
    ).toBe(true);
  });

  it('exits non-zero naming the server it cannot reach', async () => {
    const url = server.url;
    await server.close();
    const unreachable = ingestFiles([file], { url, batchSize: 100, format: 'provml', retries: 0 });
    await expect(unreachable).rejects.toThrow(`cannot reach ${url}`);
    expect(existsSync(`${file}.provml-progress`)).toBe(false);
  });
  it('stops at once on 507 (the store is full) but retries a 503', async () => {
    const statuses: number[] = [];
    const answering = (status: number) => async () => {
      statuses.push(status);
      return new Response(JSON.stringify({ error: 'the store is at its limit' }), { status });
    };
    const full = ingestFiles([file], {
      url: server.url,
      batchSize: 100,
      format: 'provml',
      retries: 3,
      restart: true,
      fetch: answering(507),
    });
    await expect(full).rejects.toMatchObject({ code: 'Full' });
    expect(statuses).toEqual([507]);
    statuses.length = 0;
    const busy = ingestFiles([file], {
      url: server.url,
      batchSize: 100,
      format: 'provml',
      retries: 1,
      restart: true,
      fetch: answering(503),
    });
    await expect(busy).rejects.toMatchObject({ code: 'Unavailable' });
    expect(statuses).toEqual([503, 503]);
  });

  it('takes its waits from the retry policy: one per retry, none after the last attempt', async () => {
    let draws = 0;
    const retryPolicy = {
      baseMs: 1,
      maxMs: 1,
      random: () => {
        draws += 1;
        return 0;
      },
    };
    const busy = ingestFiles([file], {
      url: server.url,
      batchSize: 100,
      format: 'provml',
      retries: 2,
      restart: true,
      retryPolicy,
      fetch: async () => new Response('{"error":"busy"}', { status: 503 }),
    });
    await expect(busy).rejects.toMatchObject({ code: 'Unavailable' });
    expect(draws).toBe(2);
  });

  it('stops at once on a refused credential (401) but waits out throttling (429)', async () => {
    const statuses: number[] = [];
    const answering = (status: number) => async () => {
      statuses.push(status);
      return new Response(JSON.stringify({ error: 'no' }), { status });
    };
    const options = { url: server.url, batchSize: 100, format: 'provml' as const, restart: true };
    const refused = ingestFiles([file], { ...options, retries: 3, fetch: answering(401) });
    await expect(refused).rejects.toMatchObject({
      code: 'Unauthorized',
      message: expect.stringMatching(/answered 401: no/),
    });
    expect(statuses).toEqual([401]);
    statuses.length = 0;
    const throttled = ingestFiles([file], { ...options, retries: 1, fetch: answering(429) });
    await expect(throttled).rejects.toMatchObject({ code: 'Throttled' });
    expect(statuses).toEqual([429, 429]);
  });

  it('sends each batch as NDJSON through the client sender, to the events endpoint under the base URL', async () => {
    const requests: Array<{ url: string; headers: Headers; body: string }> = [];
    const recording: typeof fetch = async (input, init) => {
      const body = String(init?.body);
      requests.push({ url: String(input), headers: new Headers(init?.headers), body });
      const events = body.trim().split('\n').length;
      return new Response(JSON.stringify({ events, triples: 2 * events }), { status: 202 });
    };
    const [summary] = await ingestFiles([join(FIXTURES, 'flowcept.json')], {
      url: 'http://provml.test/base/',
      token: 'secret',
      batchSize: 2,
      format: 'flowcept',
      onConflict: 'replace',
      fetch: recording,
    });
    expect(requests.length).toBeGreaterThan(0);
    expect(summary).toMatchObject({ batches: requests.length, triples: 2 * (summary?.events ?? 0) });
    for (const request of requests) {
      expect(request.url).toBe('http://provml.test/base/api/v1/events?format=flowcept&onConflict=replace');
      expect(request.headers.get('content-type')).toBe('application/x-ndjson');
      expect(request.headers.get('authorization')).toBe('Bearer secret');
      for (const line of request.body.trim().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    }
  });
});
