import type * as RDF from '@rdfjs/types';
import { BadRequestError, ProvmlError } from '../errors.ts';
import { fromRdfJs, N_QUADS, SPARQL_RESULTS_JSON, type Term } from '../rdf/index.ts';
import {
  type PreparedQuery,
  type ProvStore,
  prepareQuery,
  type QueryMediaTypes,
  type SelectResult,
  type SerializedResult,
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
): Promise<SerializedResult> {
  const accept = options.accept ?? DEFAULT_ACCEPT;
  const prepared = typeof query === 'string' ? prepareQuery(query) : query;
  return withFederation(prepared, options, async (engine, context) => {
    const result = await engine.query(prepared.text, context as never);
    if (result.resultType === 'void')
      throw new BadRequestError('Updates are not federated: send them to /sparql without SERVICE.');
    const form =
      result.resultType === 'bindings' ? 'select' : result.resultType === 'boolean' ? 'ask' : prepared.form;
    const mediaType = form === 'select' || form === 'ask' ? accept.results : accept.graph;
    const { data } = await engine.resultToString(result, mediaType, context);
    let body = '';
    for await (const chunk of data) body += String(chunk);
    return { form, mediaType, body };
  });
}

/** A federated SELECT, answered as plain terms like ProvStore.select. */
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
    return await Promise.race([run(engine, context), timeout]);
  } catch (error) {
    throw asFederationError(error, remote, timeoutMs);
  } finally {
    clearTimeout(timer);
  }
}

function messages(error: unknown): string {
  const parts: string[] = [];
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    parts.push(current instanceof Error ? current.message : String(current));
    current = current instanceof Error ? current.cause : undefined;
  }
  return parts.join(': ');
}

function asFederationError(error: unknown, remote: string[], timeoutMs: number): Error {
  if (error instanceof ProvmlError) return error;
  const text = messages(error);
  if (/abort|timed? ?out|timeout/i.test(text)) return new FederationTimeoutError(timeoutMs, remote);
  if (/parse error|syntax|unexpected|expecting|lexical/i.test(text) && !/http/i.test(text)) {
    return new BadRequestError(`Invalid federated query: ${text}`, { cause: error });
  }
  const named = remote.filter((url) => text.includes(url));
  return new SourceUnavailableError(named.length > 0 ? named : remote, text.split('\n')[0] ?? text);
}
