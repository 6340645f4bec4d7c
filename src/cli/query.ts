import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { DEFAULT_SERVER_URL } from '../client/index.ts';
import { codeForHttpStatus, ProvmlError, UsageError } from '../errors.ts';
import { runFederated, toTable } from '../query/index.ts';
import {
  bareMediaType,
  booleanToJson,
  literal,
  SPARQL_QUERY,
  SPARQL_RESULTS_JSON,
  type SparqlJson,
  solutionsCsv,
  solutionsFromJson,
  solutionsToJson,
  TURTLE,
} from '../rdf/index.ts';
import { dumpText, prepareQuery, type SelectResult } from '../store/index.ts';

interface QueryFlags {
  list?: boolean;
  file?: string;
  param: string[];
  source: string[];
  format: string;
  url?: string;
  timeout: string;
}

const FORMATS = ['table', 'json', 'csv'];

export const serverUrl = (flag?: string): string =>
  (flag ?? process.env.PROVML_URL ?? DEFAULT_SERVER_URL).replace(/\/+$/, '');

/** One request to the provml server; a non-2xx answer becomes a ProvmlError carrying the server's message. */
export async function serverRequest(url: string, init: RequestInit = {}): Promise<Response> {
  let response: Response;
  try {
    response = await fetch(url, init);
  } catch (error) {
    const reason =
      error instanceof Error
        ? error.cause instanceof Error
          ? error.cause.message
          : error.message
        : String(error);
    throw new ProvmlError(
      'Unavailable',
      `Cannot reach the provml server at ${new URL(url).origin} (${reason}); start it with "provml serve" or pass --url.`,
    );
  }
  if (!response.ok)
    throw new ProvmlError(
      codeForHttpStatus(response.status),
      (await response.text()).trim() || `HTTP ${response.status} from ${url}`,
    );
  return response;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** `provml query NAME --param k=v …`, `provml query --file x.rq`, `provml query 'SELECT …'`, `provml query --list`. */
export function registerQuery(program: Command): void {
  program
    .command('query')
    .description('Run a catalog query by name, a .rq file or SPARQL text against a running provml server.')
    .argument('[query]', 'catalog query name (see --list) or SPARQL text')
    .option('--list', 'list the catalog: names, phase, online/offline, parameters, columns')
    .option('--file <file>', 'read the SPARQL query from a file')
    .option(
      '-p, --param <name=value>',
      'a catalog parameter (repeat for several, or for multi-valued ones)',
      collect,
      [],
    )
    .option(
      '-s, --source <url-or-file>',
      'federate with an external SPARQL endpoint or RDF file (repeatable)',
      collect,
      [],
    )
    .option('-f, --format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .option('--url <url>', `server base URL (env PROVML_URL, default ${DEFAULT_SERVER_URL})`)
    .option('--timeout <ms>', 'time limit for federated queries run by the CLI', '30000')
    .action(async (query: string | undefined, flags: QueryFlags) => {
      if (!FORMATS.includes(flags.format))
        throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${flags.format}'.`);
      const base = serverUrl(flags.url);
      if (flags.list) return void process.stdout.write(await listCatalog(base, flags.format));
      if (flags.file)
        return printResult(await runSparql(base, await readFile(flags.file, 'utf8'), flags), flags.format);
      if (!query) throw new UsageError('Give a catalog query name, SPARQL text, --file or --list.');
      if (/^[a-z0-9][a-z0-9-]*$/.test(query))
        return printResult(await runNamed(base, query, flags), flags.format);
      return printResult(await runSparql(base, query, flags), flags.format);
    });
}

async function listCatalog(base: string, format: string): Promise<string> {
  const response = await serverRequest(`${base}/api/v1/queries`);
  const body = (await response.json()) as {
    queries: Array<{
      name: string;
      phase: string;
      online: boolean;
      federated: boolean;
      description: string;
      params: Array<{ name: string; type: string; required: boolean; multiple: boolean }>;
    }>;
  };
  if (format === 'json') return `${JSON.stringify(body, null, 2)}\n`;
  const result: SelectResult = {
    variables: ['name', 'phase', 'mode', 'params', 'description'],
    rows: body.queries.map((q) => ({
      name: literal(q.name),
      phase: literal(q.phase),
      mode: literal(`${q.online ? 'online' : 'offline'}${q.federated ? ', federated' : ''}`),
      params: literal(
        q.params
          .map((p) => `${p.name}:${p.type}${p.multiple ? (p.required ? '+' : '*') : p.required ? '' : '?'}`)
          .join(' '),
      ),
      description: literal(q.description),
    })),
  };
  return format === 'csv' ? solutionsCsv(result) : toTable(result);
}

function parseParams(pairs: string[]): URLSearchParams {
  const params = new URLSearchParams();
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new UsageError(`--param expects name=value, got '${pair}'.`);
    params.append(pair.slice(0, at), pair.slice(at + 1));
  }
  return params;
}

async function runNamed(base: string, name: string, flags: QueryFlags): Promise<SelectResult> {
  const params = parseParams(flags.param);
  for (const source of flags.source) params.append('source', source);
  const response = await serverRequest(`${base}/api/v1/queries/${encodeURIComponent(name)}?${params}`, {
    headers: { accept: SPARQL_RESULTS_JSON },
  });
  return solutionsFromJson((await response.json()) as SparqlJson);
}

type Answer = SelectResult | boolean | string;

/**
 * SPARQL text goes to the server's /sparql. With --source, the CLI federates itself: the server's /sparql is one
 * SPARQL source of Comunica and the others are the given endpoints or files (the server keeps the data lock).
 */
async function runSparql(base: string, query: string, flags: QueryFlags): Promise<Answer> {
  if (flags.param.length > 0)
    throw new UsageError('--param applies to catalog queries only; write values into the SPARQL text.');
  // Parsed here first: a malformed or over-deep query is refused with its line and column, sent nowhere.
  const prepared = prepareQuery(query);
  const accept = `${SPARQL_RESULTS_JSON}, ${TURTLE};q=0.9`;
  let mediaType: string;
  let body: string;
  if (flags.source.length > 0) {
    const timeoutMs = Number(flags.timeout);
    const result = await runFederated(prepared, {
      sources: [`${base}/sparql`, ...flags.source],
      timeoutMs,
      accept: { results: SPARQL_RESULTS_JSON, graph: TURTLE },
    });
    mediaType = result.mediaType;
    body = await dumpText(result.body);
  } else {
    const response = await serverRequest(`${base}/sparql`, {
      method: 'POST',
      headers: { 'content-type': SPARQL_QUERY, accept },
      body: query,
    });
    mediaType = bareMediaType(response.headers.get('content-type') ?? '');
    body = await response.text();
  }
  if (mediaType !== SPARQL_RESULTS_JSON) return body;
  const json = JSON.parse(body) as SparqlJson;
  return typeof json.boolean === 'boolean' ? json.boolean : solutionsFromJson(json);
}

function printResult(result: Answer, format: string): void {
  if (typeof result === 'string')
    return void process.stdout.write(result.endsWith('\n') ? result : `${result}\n`);
  if (typeof result === 'boolean')
    return void process.stdout.write(
      format === 'json' ? `${JSON.stringify(booleanToJson(result))}\n` : `${result}\n`,
    );
  if (format === 'json')
    return void process.stdout.write(`${JSON.stringify(solutionsToJson(result), null, 2)}\n`);
  process.stdout.write(format === 'csv' ? solutionsCsv(result) : toTable(result));
}
