import { BadRequestError, ProvmlError } from '../errors.ts';
import type { QuadData } from '../rdf/index.ts';
import type {
  ProvStore,
  QueryForm,
  QueryMediaTypes,
  QueryOptions,
  QueryResults,
  SelectResult,
  SerializedResults,
} from './api.ts';
import type { EngineResults } from './engine.ts';
import { asPreparedQuery, type PreparedQuery } from './prepare/prepare.ts';

// The typed ways to run a query of a known form over ProvStore.query: each checks the form from the
// query's parse before any engine runs (a 400 naming both forms), then hands back just that form's answer.

type Querying = Pick<ProvStore, 'query'>;

export async function selectRows(
  store: Querying,
  query: string | PreparedQuery,
  options?: QueryOptions,
): Promise<SelectResult> {
  const result = await store.query(expectForm(query, options, 'a SELECT', ['select']), options);
  const { variables, rows } = answerOf(result, 'solutions');
  return { variables, rows };
}

export async function askBoolean(
  store: Querying,
  query: string | PreparedQuery,
  options?: QueryOptions,
): Promise<boolean> {
  const result = await store.query(expectForm(query, options, 'an ASK', ['ask']), options);
  return answerOf(result, 'boolean').value;
}

/** The quads of a CONSTRUCT or DESCRIBE. */
export async function constructQuads(
  store: Querying,
  query: string | PreparedQuery,
  options?: QueryOptions,
): Promise<QuadData[]> {
  const prepared = expectForm(query, options, 'a CONSTRUCT or DESCRIBE', ['construct', 'describe']);
  return answerOf(await store.query(prepared, options), 'graph').quads;
}

/** Any query form, answered serialized in the media type `accept` gives for its form. */
export async function querySerialized(
  store: Querying,
  query: string | PreparedQuery,
  accept: QueryMediaTypes,
  options?: QueryOptions,
): Promise<SerializedResults> {
  return answerOf(await store.query(query, { ...options, accept }), 'serialized');
}

/** An engine's answer as the store gives it: a serialized body as a stream of (here, one) pieces. */
export function fromEngineResults(answer: EngineResults): QueryResults {
  return answer.kind === 'serialized' ? { ...answer, body: onePiece(answer.body) } : answer;
}

export async function* onePiece(text: string): AsyncGenerator<string> {
  yield text;
}

function expectForm(
  query: string | PreparedQuery,
  options: QueryOptions | undefined,
  expected: string,
  forms: QueryForm[],
): PreparedQuery {
  const prepared = asPreparedQuery(query, options?.baseIri);
  if (!forms.includes(prepared.form))
    throw new BadRequestError(`Expected ${expected} query, got ${prepared.form.toUpperCase()}.`);
  return prepared;
}

function answerOf<K extends QueryResults['kind']>(
  result: QueryResults,
  kind: K,
): Extract<QueryResults, { kind: K }> {
  if (result.kind !== kind)
    throw new ProvmlError('Internal', `The store answered ${result.kind} where ${kind} was asked for.`);
  return result as Extract<QueryResults, { kind: K }>;
}
