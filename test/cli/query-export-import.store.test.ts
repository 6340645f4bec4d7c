import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateBatch } from '../../src/capture/index.ts';
import { refreshOnlineState } from '../../src/store/index.ts';
import { translate } from '../../src/translate/index.ts';
import { ID, LIFECYCLE_EVENTS } from '../query/support/lifecycle.ts';
import { runCli } from '../support/run-cli.ts';
import { type InProcessServer, startInProcessServer } from './in-process-server.ts';

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcessServer();
  const result = validateBatch(JSON.parse(await readFile(LIFECYCLE_EVENTS, 'utf8')));
  if (!result.ok) throw new Error('fixture invalid');
  const quads = translate(result.events);
  await server.store.insert(quads);
  await refreshOnlineState(server.store, quads); // written past the events endpoint, which keeps the state
});
afterAll(async () => server?.close());

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCli(...args, '--url', server.url);
  return { code, out: stdout, err: stderr };
}

describe('provml query', () => {
  it('--list shows the catalog', async () => {
    const { code, out } = await cli('query', '--list');
    expect(code).toBe(0);
    expect(out).toMatch(/model-lineage\s+learning\s+offline\s+model:iri/);
  });

  it('runs a catalog query with --param, as table, csv and json', async () => {
    const table = await cli('query', 'latest-metric-running', '--param', 'measure=loss');
    expect(table.code).toBe(0);
    expect(table.out).toContain('(1 row)');
    const csv = await cli('query', 'model-lineage', '--param', `model=${ID}data/unet-a`, '--format', 'csv');
    expect(csv.out.split('\r\n')[0]).toBe('ancestor,kind,name,location');
    expect(csv.out).toContain('F3 SEG-Y');
    const json = JSON.parse((await cli('query', 'failed-tasks', '--format', 'json')).out);
    expect(json.results.bindings).toHaveLength(2);
  });

  it('runs SPARQL text and --file, and fails with a one-line reason', async () => {
    const text = await cli(
      'query',
      'SELECT (COUNT(*) AS ?n) WHERE { ?m a <https://w3id.org/provml#Model> }',
      '--format',
      'csv',
    );
    expect(text.out).toMatch(/^n\r\n\d+\r\n$/);
    const dir = await mkdtemp(join(tmpdir(), 'provml-cli-'));
    await writeFile(join(dir, 'q.rq'), 'ASK { ?s ?p ?o }');
    expect((await cli('query', '--file', join(dir, 'q.rq'))).out).toBe('true\n');
    const bad = await cli('query', 'model-lineage', '--param', 'model=not-an-iri');
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/^provml: Parameter "model"/);
  });

  it('refuses malformed and over-deep SPARQL text before sending it, with line and column', async () => {
    // Port 9 answers nothing: the message can only come from the CLI's own parse.
    const offline = (query: string) => runCli('query', query, '--url', 'http://127.0.0.1:9');
    const malformed = await offline('SELECT * WHERE { ?s ?p }');
    expect(malformed.code).not.toBe(0);
    expect(malformed.stderr).toMatch(/^provml: Malformed SPARQL query: line 1, column 24: unexpected "}"/);
    const deep = await offline(`SELECT * WHERE ${'{'.repeat(500)}${'}'.repeat(500)}`);
    expect(deep.stderr).toMatch(/nests 500 levels of brackets deep/);
  });
});

describe('provml export / import', () => {
  it('exports a graph to a file and imports it back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provml-cli-'));
    const file = join(dir, 'train-1.jsonld');
    expect(
      (await cli('export', '--graph', 'https://w3id.org/provml/graph/wfexec/train-1', '--output', file)).code,
    ).toBe(0);
    expect(JSON.parse(await readFile(file, 'utf8'))['@context']).toBe(
      'https://w3id.org/provml/context.jsonld',
    );
    const imported = await cli('import', file);
    expect(imported.code).toBe(0);
    expect(imported.out).toMatch(/0 quads added/);
  });
});
