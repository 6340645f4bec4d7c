import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_DATA, modelId } from '../../src/demo/lifecycle.ts';
import { ensureOntologyGraph } from '../../src/ontology/index.ts';
import { packageCatalog } from '../../src/query/index.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { dataIri, experimentIri, workflowExecutionIri } from '../../src/translate/index.ts';
import { type InProcessServer, startInProcessServer } from '../cli/in-process-server.ts';
import { runCli } from '../support/run-cli.ts';

// The MCP server as an AI assistant's client sees it: the SDK's own client over Streamable HTTP (/mcp on a
// real server on 127.0.0.1) and over stdio (`provml mcp` reading through that server), on the data
// `provml demo` records (a seismic curation, a tiling, four training runs of which one failed).
const ROOT = join(import.meta.dirname, '../..');
const EXPERIMENT = experimentIri(DEMO_DATA.training.experiment.id);
const BEST = dataIri(modelId('demo-run-4'));
const RUNS = DEMO_DATA.training.runs.map((run) => workflowExecutionIri(run.id));
const FAILED_RUN = workflowExecutionIri('demo-run-3');
let demo: InProcessServer;
let store: ProvStore;
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
  demo = await startInProcessServer();
  store = demo.store;
  baseUrl = demo.url;
  expect((await runCli('demo', '--url', baseUrl)).code).toBe(0);
  await ensureOntologyGraph(store, join(ROOT, 'ontology'));
  client = new Client({ name: 'provml-test', version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`)));
});

afterAll(async () => {
  await client?.close();
  await demo?.close();
});

describe('MCP over Streamable HTTP at /mcp', () => {
  it('lists the tools, read-only, refusing unknown arguments, and every ontology file and catalog query as a resource', async () => {
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
    expect(tools.every((tool) => tool.inputSchema.additionalProperties === false)).toBe(true);
    const { resources } = await client.listResources();
    const uris = resources.map((resource) => resource.uri);
    const catalog = await packageCatalog();
    expect(uris).toEqual(
      expect.arrayContaining([
        'provml://ontology/prov-ml.ttl',
        'provml://ontology/shapes.ttl',
        'provml://ontology/context.jsonld',
        'provml://ontology/imports/prov-o.nq',
        'provml://ontology/imports/mls.ttl',
        ...catalog.list().map((entry) => `provml://queries/${entry.name}.rq`),
      ]),
    );
    const read = await client.readResource({ uri: 'provml://queries/model-lineage.rq' });
    expect(read.contents[0]).toMatchObject({ mimeType: 'application/sparql-query' });
    const [content] = read.contents;
    expect(content && 'text' in content ? content.text : '').toBe(catalog.get('model-lineage').query);
    const ontology = await client.readResource({ uri: 'provml://ontology/prov-ml.ttl' });
    const [turtle] = ontology.contents;
    expect(turtle && 'text' in turtle ? turtle.text : '').toContain('provml:ModelEvaluation a owl:Class');
  });

  it('list_analyses names the catalog with typed parameters and the SPARQL of each', async () => {
    const { analyses, ...rest } = (await call('list_analyses')) as unknown as {
      analyses: Array<Record<string, unknown>>;
    };
    expect(rest).toEqual({});
    const lineage = analyses.find((entry) => entry.name === 'model-lineage');
    expect(lineage).toMatchObject({
      params: [{ name: 'model', type: 'iri', required: true }],
      resource: 'provml://queries/model-lineage.rq',
    });
    expect(String(lineage?.sparql)).toContain('# @name model-lineage');
    expect(analyses.every((entry) => typeof entry.sparql === 'string' && entry.federated === false)).toBe(
      true,
    );
  });

  it('run_analysis answers rows with the bound SPARQL it ran, which /sparql answers the same', async () => {
    const out = await call('run_analysis', {
      name: 'best-model-hyperparameters',
      params: { experiment: EXPERIMENT, measure: 'accuracy', maximize: true },
    });
    expect(new Set(out.rows?.map((row) => row.model))).toEqual(new Set([BEST]));
    expect(out.rows?.find((row) => row.hyperparameter === 'learning_rate')?.hyperparameterValue).toBe(0.003);
    expect(out.sparql).toContain(`<${EXPERIMENT}>`);
    expect(out.sparql).not.toContain('# @bind');
    const check = await fetch(`${baseUrl}/sparql`, {
      method: 'POST',
      headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
      body: out.sparql,
    });
    const json = (await check.json()) as { results: { bindings: unknown[] } };
    expect(json.results.bindings).toHaveLength(out.rowCount ?? -1);
  });

  it('model_lineage reaches the raw SEG-Y files of the best model across the three workflows', async () => {
    const out = await call('model_lineage', { model: BEST });
    const found = new Set(out.rows?.map((row) => row.ancestor));
    for (const raw of DEMO_DATA.curation.rawFiles) expect(found).toContain(dataIri(raw.id));
    expect(found).toContain(dataIri(DEMO_DATA.curation.cube.id));
    expect([...new Set(out.rows?.map((row) => row.kind))]).toEqual(
      expect.arrayContaining(['raw', 'domain', 'training']),
    );
    expect(out.sparql).toContain(`<${BEST}>`);
  });

  it('find_runs filters by experiment, status, hyperparameter and measure', async () => {
    const sweep = await call('find_runs', { experiment: EXPERIMENT });
    expect(sweep.rows?.map((row) => row.execution).sort()).toEqual([...RUNS].sort());
    const failed = await call('find_runs', { status: 'failed' });
    expect(failed.rows?.map((row) => row.execution)).toEqual([FAILED_RUN]);
    const finished = await call('find_runs', { experiment: EXPERIMENT, status: 'finished' });
    expect(finished.rows?.map((row) => row.execution).sort()).toEqual(
      RUNS.filter((run) => run !== FAILED_RUN).sort(),
    );
    expect(await call('find_runs', { status: 'running' })).toMatchObject({ rowCount: 0 });
    const byRate = await call('find_runs', { hyperparameter: 'learning_rate', measure: 'accuracy' });
    expect(byRate.rows?.map((row) => row.execution).sort()).toEqual([...RUNS].sort());
    expect(byRate.sparql).toContain('"learning_rate"');
    expect(await call('find_runs', { hyperparameter: 'dropout' })).toMatchObject({ rowCount: 0 });
  });

  it('find_runs filters by a hyperparameter value, bound as a number on the named setting', async () => {
    const runsWith = (rate: number) =>
      DEMO_DATA.training.runs
        .filter((run) => run.learningRate === rate)
        .map((run) => workflowExecutionIri(run.id));
    const rate = DEMO_DATA.training.runs[1]?.learningRate ?? Number.NaN;
    const byValue = await call('find_runs', { hyperparameter: 'learning_rate', hyperparameterValue: rate });
    expect(byValue.rows?.map((row) => row.execution)).toEqual(runsWith(rate));
    expect(runsWith(rate)).toHaveLength(1);
    expect(byValue.sparql).toContain(`"${rate}"^^<http://www.w3.org/2001/XMLSchema#double>`);
    expect(
      await call('find_runs', { hyperparameter: 'learning_rate', hyperparameterValue: 0.123 }),
    ).toMatchObject({ rowCount: 0 });
    expect(await failure('find_runs', { hyperparameterValue: '0.01' })).toMatch(/at hyperparameterValue\b/);
  });

  it('sparql_query runs SELECT and ASK with a row limit, and says when it cut', async () => {
    const query =
      'PREFIX provml: <https://w3id.org/provml#> SELECT DISTINCT ?run WHERE { ?run a provml:WorkflowExecution } ORDER BY ?run';
    const out = await call('sparql_query', { query, limit: 2 });
    expect(out.rows).toHaveLength(2);
    expect(out).toMatchObject({ rowCount: 6, truncated: true, columns: ['run'], sparql: query });
    expect(await call('sparql_query', { query })).toMatchObject({ rowCount: 6, truncated: false });
    const ask = await call('sparql_query', { query: `ASK { <${FAILED_RUN}> ?p ?o }` });
    expect(ask).toMatchObject({ boolean: true, sparql: `ASK { <${FAILED_RUN}> ?p ?o }` });
  });

  it('sparql_query answers a large query (prepared off the main thread) as the same query unpadded', async () => {
    const query =
      'PREFIX provml: <https://w3id.org/provml#> SELECT DISTINCT ?run WHERE { ?run a provml:WorkflowExecution } ORDER BY ?run';
    const padded = `# ${'x'.repeat(70_000)}\n${query}`;
    const small = await call('sparql_query', { query });
    expect((await call('sparql_query', { query: padded })).rows).toEqual(small.rows);
    expect(await failure('sparql_query', { query: `${padded} }` })).toMatch(
      /Argument "query": not valid SPARQL \(Malformed SPARQL query: line 2, column/,
    );
    expect(await failure('sparql_query', { query: `# ${'x'.repeat(70_000)}\nDROP ALL` })).toMatch(
      /Argument "query": updates are refused/,
    );
  });

  it('describe_ontology gives classes and properties aligned to PROV-O and ML Schema and an example event with its triples', async () => {
    const out = await call('describe_ontology');
    const term = (iri: string) => out.rows?.find((row) => row.term === iri);
    expect(String(term('https://w3id.org/provml#Model')?.parents)).toContain(
      'http://www.w3.org/ns/prov#Entity',
    );
    expect(String(term('https://w3id.org/provml#Model')?.parents)).toContain(
      'http://www.w3.org/ns/mls#Model',
    );
    expect(String(term('https://w3id.org/provml#usedHyperparameter')?.parents)).toContain(
      'http://www.w3.org/ns/prov#used',
    );
    const examples = out.examples as Array<{ event: { type: string }; triples: string[] }>;
    expect(examples.map((example) => example.event.type)).toEqual([
      'workflow.started',
      'task.started',
      'model.saved',
      'evaluation',
    ]);
    const triplesOf = (type: string) =>
      examples.find((example) => example.event.type === type)?.triples ?? [];
    expect(triplesOf('evaluation').some((t) => t.includes('<https://w3id.org/provml#ModelEvaluation>'))).toBe(
      true,
    );
    expect(
      triplesOf('task.started').some((t) => t.includes('<https://w3id.org/provml#usedHyperparameter>')),
    ).toBe(true);
    expect(
      triplesOf('workflow.started').some((t) => t.includes('<https://w3id.org/provml#partOfExperiment>')),
    ).toBe(true);
    expect(out.namespaces).toMatchObject({ mls: 'http://www.w3.org/ns/mls#' });
    expect(out.sparql).toContain('# @name ontology-terms');
  });

  it('every tool answer carries the SPARQL it ran', async () => {
    const answers = [
      await call('run_analysis', { name: 'failed-tasks' }),
      await call('sparql_query', { query: 'ASK {}' }),
      await call('describe_ontology'),
      await call('model_lineage', { model: BEST }),
      await call('find_runs', {}),
    ];
    for (const answer of answers) expect(answer.sparql).toMatch(/SELECT|ASK/);
  });

  it('refuses updates and SERVICE, naming the argument, and leaves the store unchanged', async () => {
    const before = (await store.stats()).quads;
    expect(await failure('sparql_query', { query: 'DROP ALL' })).toMatch(
      /Argument "query": updates are refused; this tool is read-only/,
    );
    expect(await failure('sparql_query', { query: 'INSERT DATA { <urn:a> <urn:b> <urn:c> }' })).toMatch(
      /Argument "query": updates are refused/,
    );
    expect(
      await failure('sparql_query', {
        query: 'SELECT * WHERE { SERVICE<http://127.0.0.1:1/sparql> { ?s ?p ?o } }',
      }),
    ).toMatch(/Argument "query": SERVICE is refused/);
    expect(await failure('sparql_query', { query: 'SELEKT nonsense' })).toMatch(
      /Argument "query": not valid SPARQL/,
    );
    expect(await failure('sparql_query', { query: 'CONSTRUCT WHERE { ?s ?p ?o }' })).toMatch(
      /Argument "query": CONSTRUCT is not answered here/,
    );
    expect(await failure('run_analysis', { name: 'models-by-domain-property' })).toMatch(
      /Argument "name": models-by-domain-property joins external sources/,
    );
    expect((await store.stats()).quads).toBe(before);
  });

  it('bad arguments are MCP errors naming the argument', async () => {
    expect(await failure('run_analysis', { name: 'drop-everything' })).toMatch(
      /Argument "name".*model-lineage/,
    );
    expect(await failure('run_analysis', { name: 'model-lineage', params: {} })).toMatch(
      /Argument "params\.model".*missing/,
    );
    expect(await failure('run_analysis', { name: 'model-lineage', params: { model: 'not an iri' } })).toMatch(
      /Argument "params\.model".*IRI/,
    );
    expect(
      await failure('run_analysis', { name: 'model-lineage', params: { model: BEST, depth: 3 } }),
    ).toMatch(/Argument "params\.depth": .*unknown parameter/);
    expect(await failure('run_analysis', {})).toMatch(/at name\b/);
    expect(await failure('model_lineage', { model: 'not an iri' })).toMatch(/at model\b/);
    expect(await failure('find_runs', { status: 'sleeping' })).toMatch(/"running".*at status\b/);
    expect(await failure('find_runs', { experiment: 'unet-lr-sweep' })).toMatch(/at experiment\b/);
    expect(await failure('find_runs', { hyperparam: 'learning_rate' })).toMatch(
      /Unrecognized key: "hyperparam"/,
    );
    expect(await failure('sparql_query', { query: 'SELECT * {?s ?p ?o}', limit: 0 })).toMatch(/at limit\b/);
    expect(await failure('sparql_query', { query: 'SELECT * {?s ?p ?o}', limit: 10_001 })).toMatch(
      /at limit\b/,
    );
    expect(await failure('sparql_query', { query: '' })).toMatch(/at query\b/);
  });

  it('refuses GET on /mcp (stateless server: no event stream to resume)', async () => {
    const response = await fetch(`${baseUrl}/mcp`, { headers: { accept: 'text/event-stream' } });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toContain('POST');
  });
});

describe('/mcp under the trust rules of every route', () => {
  const rpc = (method: string, params: Record<string, unknown>) =>
    JSON.stringify({ jsonrpc: '2.0', id: 1, method, params });
  const post = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...headers,
      },
      body,
    });

  it('a Host that is not a name of this server (DNS rebinding) is 403 before the body is read', async () => {
    const { request } = await import('node:http');
    const { port } = new URL(baseUrl);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/mcp',
        headers: { host: 'rebound.example:7070', 'content-type': 'application/json' },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end(rpc('tools/list', {}));
    });
    expect(status).toBe(403);
  });

  it('a page on another origin reads as it may read /sparql, and can write nothing through it', async () => {
    const page = { origin: 'http://evil.example', 'sec-fetch-site': 'cross-site' };
    const before = (await store.stats()).quads;
    const read = await post(rpc('tools/call', { name: 'find_runs', arguments: { status: 'failed' } }), page);
    expect(read.status).toBe(200);
    expect(JSON.stringify(await read.json())).toContain(FAILED_RUN);
    const write = await post(
      rpc('tools/call', { name: 'sparql_query', arguments: { query: 'CLEAR ALL' } }),
      page,
    );
    expect(JSON.stringify(await write.json())).toContain('updates are refused');
    expect((await store.stats()).quads).toBe(before);
  });

  it('a JSON-RPC body that is not JSON is refused, not executed', async () => {
    const response = await post('{"jsonrpc":"2.0",');
    expect(response.status).toBe(400);
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
      const out = await call('find_runs', { status: 'failed' }, stdio);
      expect(out.rows?.map((row) => row.execution)).toEqual([FAILED_RUN]);
      const lineage = await call('model_lineage', { model: BEST }, stdio);
      expect(lineage.rows?.map((row) => row.ancestor)).toContain(dataIri(DEMO_DATA.curation.cube.id));
      const sparql = await call('sparql_query', { query: `ASK { <${FAILED_RUN}> ?p ?o }` }, stdio);
      expect(sparql.boolean).toBe(true);
      const refused = await stdio.callTool({ name: 'sparql_query', arguments: { query: 'CLEAR ALL' } }).then(
        (result) => JSON.stringify(result.content),
        (error: Error) => error.message,
      );
      expect(refused).toMatch(/Argument \\"query\\": updates are refused/);
      const badParam = await stdio
        .callTool({ name: 'run_analysis', arguments: { name: 'model-lineage', params: { model: 'x' } } })
        .then(
          (result) => JSON.stringify(result.content),
          (error: Error) => error.message,
        );
      expect(badParam).toMatch(/Argument \\"params\.model\\": .*absolute IRI/);
    } finally {
      await stdio.close();
    }
  });

  it('answers what was asked and exits 0 when the assistant closes stdin', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [join(ROOT, 'src/cli/provml.js'), 'mcp', '--url', baseUrl]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const call = { name: 'find_runs', arguments: { status: 'failed' } };
    child.stdin.end(`${JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: call })}\n`);
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(stderr).not.toMatch(/unsettled/);
    expect(code).toBe(0);
    const answer = JSON.parse(stdout.trim()) as { id: number; result: { structuredContent: Payload } };
    expect(answer.id).toBe(7);
    expect(answer.result.structuredContent.rows?.map((row) => row.execution)).toEqual([FAILED_RUN]);
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
