// Reads a SPARQL 1.1 Protocol request (§2.1 query, §2.2 update) into one operation, refusing the
// ambiguous and the unsupported instead of guessing.
import { BadRequestError } from '../../errors.ts';
import { isValidIri, SPARQL_QUERY, SPARQL_UPDATE } from '../../rdf/index.ts';
import type { Dataset } from '../../store/index.ts';
import { utf8Params } from '../body.ts';
import { UnsupportedMediaTypeError } from '../errors.ts';

export type SparqlOperation =
  | { kind: 'query'; query: string; dataset?: Dataset }
  | { kind: 'update'; update: string; using?: Dataset }
  | { kind: 'description' };

export interface ProtocolRequest {
  method: string;
  /** Parameters of the request URL. */
  url: URLSearchParams;
  /** Bare media type of the body (no parameters). */
  contentType?: string | undefined;
  body?: string | undefined;
}

export const FORM = 'application/x-www-form-urlencoded';
export const POST_CONTENT_TYPES = [SPARQL_QUERY, SPARQL_UPDATE, FORM] as const;

const DATASET_PARAMS = ['default-graph-uri', 'named-graph-uri'];
const USING_PARAMS = ['using-graph-uri', 'using-named-graph-uri'];

export function parseSparqlRequest(request: ProtocolRequest): SparqlOperation {
  const { url } = request;
  if (url.has('update')) {
    throw new BadRequestError(
      'An update cannot be sent in the URL: POST it as application/sparql-update or as the form field update=.',
    );
  }
  if (request.method === 'GET' || request.method === 'HEAD') return fromParams(url, url);
  if (request.method !== 'POST') throw new BadRequestError(`Unexpected method ${request.method}.`);

  switch (request.contentType) {
    case FORM: {
      if (url.has('query')) throw twice('query', 'in both the URL and the form body');
      const form = utf8Params(request.body ?? '');
      if (form.has('query') && form.has('update')) {
        throw new BadRequestError('Send either query= or update= in one request, not both.');
      }
      if (!form.has('query') && !form.has('update')) {
        throw new BadRequestError(
          'The form body needs a query= (SPARQL query) or an update= (SPARQL update) field.',
        );
      }
      const params = merged(url, form);
      return form.has('update')
        ? updateFrom(single(form, 'update'), params)
        : queryFrom(single(form, 'query'), params);
    }
    case SPARQL_QUERY:
      if (url.has('query')) throw twice('query', 'in both the URL and the body');
      return queryFrom(request.body ?? '', url);
    case SPARQL_UPDATE:
      if (url.has('query'))
        throw new BadRequestError('A request with an update body cannot also carry query= in the URL.');
      return updateFrom(request.body ?? '', url);
    default:
      throw new UnsupportedMediaTypeError(request.contentType, POST_CONTENT_TYPES);
  }
}

function fromParams(params: URLSearchParams, url: URLSearchParams): SparqlOperation {
  if (!params.has('query')) {
    refuseAny(
      url,
      [...DATASET_PARAMS, ...USING_PARAMS],
      (name) => `${name} was given without a query: add query=<SPARQL query>.`,
    );
    return { kind: 'description' };
  }
  return queryFrom(single(params, 'query'), params);
}

function queryFrom(query: string, params: URLSearchParams): SparqlOperation {
  refuseEmpty(query, 'The query is empty: send a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE query.');
  refuseAny(
    params,
    USING_PARAMS,
    (name) => `${name} applies to updates; for a query use default-graph-uri / named-graph-uri.`,
  );
  const dataset = datasetOf(params, 'default-graph-uri', 'named-graph-uri');
  return dataset ? { kind: 'query', query, dataset } : { kind: 'query', query };
}

function updateFrom(update: string, params: URLSearchParams): SparqlOperation {
  refuseEmpty(update, 'The update is empty: send a SPARQL 1.1 Update request.');
  refuseAny(
    params,
    DATASET_PARAMS,
    (name) => `${name} applies to queries; an update names its graphs with USING / WITH / GRAPH.`,
  );
  const using = datasetOf(params, 'using-graph-uri', 'using-named-graph-uri');
  return using ? { kind: 'update', update, using } : { kind: 'update', update };
}

function refuseEmpty(text: string, message: string): void {
  if (text.trim() === '') throw new BadRequestError(message);
}

/** Refuses a request that carries any of `names` (the first found is named). */
function refuseAny(params: URLSearchParams, names: readonly string[], why: (name: string) => string): void {
  const given = names.find((name) => params.has(name));
  if (given !== undefined) throw new BadRequestError(why(given));
}

/** The dataset given by protocol parameters (§2.1.4, §2.2.3); when either is given, exactly those graphs. */
function datasetOf(params: URLSearchParams, defaultName: string, namedName: string): Dataset | undefined {
  const defaultGraphs = iris(params, defaultName);
  const namedGraphs = iris(params, namedName);
  if (defaultGraphs.length === 0 && namedGraphs.length === 0) return undefined;
  return { defaultGraphs, namedGraphs };
}

function single(params: URLSearchParams, name: string): string {
  const values = params.getAll(name);
  if (values.length > 1) throw twice(name, `${values.length} times`);
  return values[0] ?? '';
}

function iris(params: URLSearchParams, name: string): string[] {
  const values = params.getAll(name);
  for (const value of values) {
    if (!isValidIri(value))
      throw new BadRequestError(`${name} must be an absolute IRI, got ${JSON.stringify(value)}.`);
  }
  return values;
}

function merged(url: URLSearchParams, form: URLSearchParams): URLSearchParams {
  const out = new URLSearchParams(url);
  for (const [name, value] of form) out.append(name, value);
  return out;
}

const twice = (name: string, how: string): BadRequestError =>
  new BadRequestError(`The parameter ${name} was given ${how}; send it exactly once.`);
