import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { ensureOntologyGraph } from '../../src/ontology/index.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { ID, lifecycleStore } from '../query/support/lifecycle.ts';

// The MCP server as an AI assistant's client sees it: the SDK's own client over Streamable HTTP (/mcp on a
// real server on 127.0.0.1) and over stdio (`provml mcp` reading through that server).
const ROOT = join(import.meta.dirname, '../..');
let store: ProvStore;
let server: Server;
let baseUrl = '';
let client: Client;

interface Payload {
  columns?: string[];
  rows?: Array<Record<string, unknown>>;
  rowCount?: number;
  truncated?: boolean;
  boolean?: boolean;
  sparql: string;
  [key: string]: unknown;
}

async function call(name: string, args: Record<string, unknown> = {}, on: Client = client): Promise<Payload> {
  const result = await on.callTool({ name, arguments: args });
  if (result.isError) throw new Error(JSON.stringify(result.content));
  return result.structuredContent as Payload;
}

function textOf(content: unknown): string {
  return (content as Array<{ text?: string }>).map((part) => part.text ?? '').join('\n');
}

/** The error an MCP call ends in: a JSON-RPC error, or a tool result flagged isError. */
async function failure(name: string, args: Record<string, unknown>): Promise<string> {
  try {
    const result = await client.callTool({ name, arguments: args });
    if (result.isError) return textOf(result.content);
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
  throw new Error(`${name} succeeded with ${JSON.stringify(args)}`);
}

beforeAll(async () => {
  store = await lifecycleStore();
  await ensureOntologyGraph(store, join(ROOT, 'ontology'));
  const app = createApp({ store, config: defaultConfig(), logger: silentLogger() });
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  client = new Client({ name: 'provml-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`)));
});

afterAll(async () => {
  await client?.close();
  await new Promise((resolve) => server?.close(resolve));
  await store?.close();
});

describe('MCP over Streamable HTTP at /mcp', () => {
  it('lists the tools, read-only, and the ontology and catalog resources', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'describe_ontology',
      'find_runs',
      'list_analyses',
      'model_lineage',
      'run_analysis',
      'sparql_query',
    ]);
    expect(tools.every((tool) => tool.annotations?.readOnlyHint === true)).toBe(true);
    const { resources } = await client.listResources();
    const uris = resources.map((resource) => resource.uri);
    expect(uris).toEqual(
      expect.arrayContaining([
        'provml://ontology/prov-ml.ttl',
        'provml://ontology/imports/prov-o.nq',
        'provml://queries/model-lineage.rq',
      ]),
    );
    const read = await client.readResource({ uri: 'provml://queries/model-lineage.rq' });
    expect(read.contents[0]).toMatchObject({ mimeType: 'application/sparql-query' });
    const [content] = read.contents;
    expect(content && 'text' in content ? content.text : '').toContain('# @name model-lineage');
  });

  it('list_analyses names the catalog with typed parameters', async () => {
    const { analyses } = (await call('list_analyses')) as unknown as {
      analyses: Array<Record<string, unknown>>;
    };
    const lineage = analyses.find((entry) => entry.name === 'model-lineage');
    expect(lineage).toMatchObject({ params: [{ name: 'model', type: 'iri', required: true }] });
  });

  it('run_analysis answers rows with the bound SPARQL it ran, which /sparql answers the same', async () => {
    const out = await call('run_analysis', {
      name: 'best-model-hyperparameters',
      params: { experiment: `${ID}experiment/exp-facies`, measure: 'accuracy', maximize: true },
    });
    expect(new Set(out.rows?.map((row) => row.model))).toEqual(new Set([`${ID}data/unet-b`]));
    expect(out.sparql).toContain(`<${ID}experiment/exp-facies>`);
    expect(out.sparql).not.toContain('# @bind');
    const check = await fetch(`${baseUrl}/sparql`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
      body: out.sparql,
    });
    const json = (await check.json()) as { results: { bindings: unknown[] } };
    expect(json.results.bindings).toHaveLength(out.rowCount ?? -1);
  });

  it('model_lineage reaches the raw data of a model across workflows', async () => {
    const out = await call('model_lineage', { model: `${ID}data/unet-a` });
    const kinds = new Set(out.rows?.map((row) => row.kind));
    expect([...kinds]).toEqual(expect.arrayContaining(['raw', 'domain', 'training']));
    expect(out.sparql).toContain(`<${ID}data/unet-a>`);
  });

  it('find_runs filters by experiment, status, hyperparameter and measure', async () => {
    const running = await call('find_runs', { experiment: `${ID}experiment/exp-facies`, status: 'running' });
    expect(running.rows?.map((row) => row.execution)).toEqual([`${ID}wfexec/train-3`]);
    const failed = await call('find_runs', { status: 'failed' });
    expect(failed.rows?.map((row) => row.execution)).toEqual([`${ID}wfexec/prep-2`]);
    const byRate = await call('find_runs', { hyperparameter: 'learning_rate', measure: 'loss' });
    expect(byRate.rows).toHaveLength(3);
    expect(byRate.sparql).toContain('"learning_rate"');
  });

  it('sparql_query runs SELECT and ASK with a row limit, and says when it cut', async () => {
    const out = await call('sparql_query', {
      query:
        'PREFIX provml: <https://w3id.org/provml#> SELECT DISTINCT ?run WHERE { ?run a provml:WorkflowExecution } ORDER BY ?run',
      limit: 2,
    });
    expect(out.rows).toHaveLength(2);
    expect(out).toMatchObject({ rowCount: 6, truncated: true, columns: ['run'] });
    const ask = await call('sparql_query', { query: 'ASK { ?s ?p ?o }' });
    expect(ask.boolean).toBe(true);
  });

  it('describe_ontology gives terms aligned to PROV-O and ML Schema and an example event with its triples', async () => {
    const out = await call('describe_ontology');
    const model = out.rows?.find((row) => row.term === 'https://w3id.org/provml#Model');
    expect(String(model?.parents)).toContain('http://www.w3.org/ns/prov#Entity');
    const example = out.example as { event: { type: string }; triples: string[] };
    expect(example.event.type).toBe('evaluation');
    expect(
      example.triples.some((triple) => triple.includes('<https://w3id.org/provml#ModelEvaluation>')),
    ).toBe(true);
    expect(out.sparql).toContain('# @name ontology-terms');
  });

  it('refuses updates and SERVICE, naming the argument, and leaves the store unchanged', async () => {
    const before = (await store.stats()).quads;
    expect(await failure('sparql_query', { query: 'DROP ALL' })).toMatch(/query.*read-only/);
    expect(await failure('sparql_query', { query: 'INSERT DATA { <urn:a> <urn:b> <urn:c> }' })).toMatch(
      /read-only/,
    );
    expect(
      await failure('sparql_query', {
        query: 'SELECT * WHERE { SERVICE<http://127.0.0.1:1/sparql> { ?s ?p ?o } }',
      }),
    ).toMatch(/SERVICE is refused/);
    expect(await failure('sparql_query', { query: 'SELEKT nonsense' })).toMatch(
      /Argument "query": not valid SPARQL/,
    );
    expect((await store.stats()).quads).toBe(before);
  });

  it('bad arguments are MCP errors naming the argument', async () => {
    expect(await failure('run_analysis', { name: 'drop-everything' })).toMatch(
      /Argument "name".*model-lineage/,
    );
    expect(await failure('run_analysis', { name: 'model-lineage', params: {} })).toMatch(/params\.model/);
    expect(await failure('run_analysis', { name: 'model-lineage', params: { model: 'not an iri' } })).toMatch(
      /params\.model.*IRI/,
    );
    expect(await failure('model_lineage', { model: 'not an iri' })).toMatch(/model/);
    expect(await failure('find_runs', { status: 'sleeping' })).toMatch(/status/);
    expect(await failure('sparql_query', { query: 'SELECT * {?s ?p ?o}', limit: 0 })).toMatch(/limit/);
  });

  it('refuses GET on /mcp (stateless server: no event stream to resume)', async () => {
    const response = await fetch(`${baseUrl}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
  });
});

describe('provml mcp on stdio', () => {
  it('serves the same tools through the running server', async () => {
    const stdio = new Client({ name: 'provml-stdio-test', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(ROOT, 'src/cli/provml.js'), 'mcp', '--url', baseUrl],
      stderr: 'pipe',
    });
    await stdio.connect(transport);
    try {
      const out = await call('find_runs', { status: 'running' }, stdio);
      expect(out.rows?.map((row) => row.execution)).toEqual([`${ID}wfexec/train-3`]);
      const lineage = await call('model_lineage', { model: `${ID}data/unet-a` }, stdio);
      expect(lineage.rowCount).toBeGreaterThan(0);
      const refused = await stdio.callTool({ name: 'sparql_query', arguments: { query: 'CLEAR ALL' } }).then(
        (result) => JSON.stringify(result.content),
        (error: Error) => error.message,
      );
      expect(refused).toMatch(/read-only/);
    } finally {
      await stdio.close();
    }
  });

  it('says plainly when no server is there', async () => {
    const stdio = new Client({ name: 'provml-stdio-test', version: '1.0.0' });
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [join(ROOT, 'src/cli/provml.js'), 'mcp', '--url', 'http://127.0.0.1:9'],
      stderr: 'pipe',
    });
    await stdio.connect(transport);
    try {
      const message = await stdio.callTool({ name: 'find_runs', arguments: {} }).then(
        (result) => JSON.stringify(result.content),
        (error: Error) => error.message,
      );
      expect(message).toMatch(/not reachable at http:\/\/127\.0\.0\.1:9/);
    } finally {
      await stdio.close();
    }
  });
});
