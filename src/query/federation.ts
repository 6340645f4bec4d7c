import type * as RDF from '@rdfjs/types';
import { BadRequestError, ProvmlError } from '../errors.ts';
import { fromRdfJs, N_QUADS, SPARQL_RESULTS_JSON, type Term } from '../rdf/index.ts';
import {
  onePiece,
  type PreparedQuery,
  type ProvStore,
  prepareQuery,
  type QueryMediaTypes,
  type SelectResult,
  type SerializedResults,
} from '../store/index.ts';
import { comunicaEngine } from './comunica.ts';
import { FederationTimeoutError, SourceUnavailableError } from './errors.ts';

import { describeSource, loadFileSource, parseSourceSpec, type SourceSpec } from './sources.ts';
import { ProvStoreSource } from './store-source.ts';

export interface FederationOptions {
  /** The local store, joined as one source (in process, see ProvStoreSource). Omit to query only `sources`. */
  store?: ProvStore;
  /** External sources: SPARQL endpoint URLs or RDF file paths (strings are parsed by parseSourceSpec). */
  sources?: Array<SourceSpec | string>;
  /** Whole-query time limit; each HTTP request to a source gets the same limit. Default 30 s. */
  timeoutMs?: number;
  /** Default graph = union of all graphs (as the catalog and /sparql assume). Default true. */
  unionDefaultGraph?: boolean;
  /** Media types for the answer (runFederated only). Default SPARQL JSON / N-Quads. */
  accept?: QueryMediaTypes;
  /** Where context.jsonld lives, for JSON-LD file sources. */
  ontologyDir?: string;
}

const DEFAULT_ACCEPT: QueryMediaTypes = {
  results: SPARQL_RESULTS_JSON,
  graph: N_QUADS,
};
const DEFAULT_TIMEOUT_MS = 30_000;

/** Runs a query through Comunica over the local store plus external sources; SERVICE clauses are honoured. */
export async function runFederated(
  query: string | PreparedQuery,
  options: FederationOptions,
): Promise<SerializedResults> {
  const accept = options.accept ?? DEFAULT_ACCEPT;
  const prepared = typeof query === 'string' ? prepareQuery(query) : query;
  return withFederation(prepared, options, async (engine, context) => {
    const result = await engine.query(prepared.text, context as never);
    if (result.resultType === 'void')
      throw new BadRequestError('Updates are not federated: send them to /sparql without SERVICE.');
    const form =
      result.resultType === 'bindings' ? 'select' : result.resultType === 'boolean' ? 'ask' : prepared.form;
    const mediaType = form === 'select' || form === 'ask' ? accept.results : accept.graph;
    // Read whole inside the time limit and the error mapping below, so a failing source is still a 502.
    const { data } = await engine.resultToString(result, mediaType, context);
    let body = '';
    for await (const chunk of data) body += String(chunk);
    return { kind: 'serialized', form, mediaType, body: onePiece(body) };
  });
}

/** A federated SELECT, answered as plain terms like selectRows over a store. */
export async function federatedSelect(
  query: string | PreparedQuery,
  options: FederationOptions,
): Promise<SelectResult> {
  const prepared = typeof query === 'string' ? prepareQuery(query) : query;
  return withFederation(prepared, options, async (engine, context) => {
    const result = await engine.query(prepared.text, context as never);
    if (result.resultType !== 'bindings') throw new BadRequestError('Expected a SELECT query.');
    const variables = (await result.metadata()).variables.map((v) => v.value);
    const rows = (await (await result.execute()).toArray()).map((binding) => {
      const row: Record<string, Term> = {};
      for (const [variable, term] of binding) row[variable.value] = fromRdfJs(term);
      return row;
    });
    return { variables, rows };
  });
}

type Engine = Awaited<ReturnType<typeof comunicaEngine>>;
type Context = Record<string, unknown> & { sources: unknown[] };

async function withFederation<T>(
  query: PreparedQuery,
  options: FederationOptions,
  run: (engine: Engine, context: Context) => Promise<T>,
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const specs = (options.sources ?? []).map((source) =>
    typeof source === 'string' ? parseSourceSpec(source) : source,
  );
  const remote = [...specs.map(describeSource), ...query.serviceIris];
  const sources: unknown[] = options.store ? [new ProvStoreSource(options.store)] : [];
  for (const spec of specs) {
    if (spec.kind === 'sparql') sources.push({ type: 'sparql', value: spec.url });
    else sources.push(new ProvStoreSource(await loadFileSource(spec, options.ontologyDir)) as RDF.Source);
  }
  if (sources.length === 0)
    throw new BadRequestError('A federated query needs at least one source (the local store or --source).');
  const abort = new AbortController();
  const context: Context = {
    sources,
    unionDefaultGraph: options.unionDefaultGraph ?? true,
    httpTimeout: timeoutMs,
    httpAbortSignal: abort.signal,
    ...(query.baseIri ? { baseIRI: query.baseIri } : {}),
  };
  const engine = await comunicaEngine();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      abort.abort();
      reject(new FederationTimeoutError(timeoutMs, remote));
    }, timeoutMs);
  });
  try {
    await parseWithComunica(engine, query, context);
    return await Promise.race([run(engine, context), timeout]);
  } catch (error) {
    throw asFederationError(error, remote, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Comunica's errors are plain `Error`s with nothing but a message, so a query it cannot parse (its parser is
 * not sparqljs, and its algebra refuses some queries sparqljs accepts) and a source answering garbage look
 * alike. Parsing first, alone ("explain parsed" reads no source), tells them apart by when they happen.
 */
async function parseWithComunica(engine: Engine, query: PreparedQuery, context: Context): Promise<void> {
  try {
    await engine.explain(query.text, { ...context } as never, 'parsed');
  } catch (error) {
    throw new BadRequestError(`Invalid federated query: ${messages(error)}`, { cause: error });
  }
}

/** The error and its causes, outermost first (a few levels: Comunica and undici wrap two or three deep). */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let current = error; current && chain.length < 5; ) {
    chain.push(current);
    current = current instanceof Error ? current.cause : undefined;
  }
  return chain;
}

function messages(error: unknown): string {
  return causes(error)
    .map((current) => (current instanceof Error ? current.message : String(current)))
    .join(': ');
}

/** Comunica's own per-request time limit (`httpTimeout`) is reported only in words. */
const COMUNICA_FETCH_TIMEOUT = /^Fetch timed out for /;
/** Node's and undici's names and codes for a time limit, anywhere in the chain of causes. */
const TIMEOUT_NAMES = new Set(['AbortError', 'TimeoutError']);
const TIMEOUT_CODES = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);

function isTimeout(error: unknown): boolean {
  return causes(error).some((current) => {
    const { name, code, message } = current as { name?: unknown; code?: unknown; message?: unknown };
    if (TIMEOUT_NAMES.has(String(name)) || TIMEOUT_CODES.has(String(code))) return true;
    return typeof message === 'string' && COMUNICA_FETCH_TIMEOUT.test(message);
  });
}

/**
 * A failure after the query parsed: a time limit (an aborted fetch, a connection or response that timed out,
 * Comunica's per-request limit), else a source that failed, named when its URL appears in the failure.
 */
export function asFederationError(error: unknown, remote: string[], timeoutMs: number): Error {
  if (error instanceof ProvmlError) return error;
  if (isTimeout(error)) return new FederationTimeoutError(timeoutMs, remote);
  const text = messages(error);
  const named = remote.filter((url) => text.includes(url));
  return new SourceUnavailableError(named.length > 0 ? named : remote, text.split('\n')[0] ?? text);
}
