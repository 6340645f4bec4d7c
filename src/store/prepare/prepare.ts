import sparqljs from 'sparqljs';
import { BadRequestError } from '../../errors.ts';
import { rdfjsFactory } from '../../rdf/index.ts';
import type { Dataset, QueryForm } from '../api.ts';
import {
  asPatterns,
  graphsWritten,
  mayAdd,
  readsDefaultDataset,
  serviceClauses,
  usesGraphPattern,
} from './analyse.ts';
import { checkNesting, checkTreeDepth } from './nesting.ts';
import { checkOperationDepth } from './operation-depth.ts';
import { type ExpectedKind, readableParseError } from './parse-error.ts';

// One SPARQL operation parsed once, where it enters (HTTP, CLI, library), into the facts every later layer
// reads: the form, the dataset, the SERVICE endpoints, whether it may add quads. The engine still runs the
// original text (sparqljs's generator can change meaning in corner cases); a text is regenerated from the
// parse only when something must be added to it (the protocol's using-graph-uri).

/** Limits checked before any parser runs. */
export interface PrepareLimits {
  /** Deepest bracket nesting (default MAX_NESTING). */
  maxNesting?: number;
  /** Longest chain of operations along one path of the parse (default MAX_OPERATION_DEPTH). */
  maxOperationDepth?: number;
  /** Longest query text in characters; updates are bounded by the request body limit. */
  maxQueryChars?: number;
}

/** A query text is parsed on the main thread: beyond this size that would hold up every other request. */
export const MAX_QUERY_CHARS = 1 << 20;

export interface PreparedQuery {
  readonly kind: 'query';
  /** The text the engine runs: the client's own. */
  readonly text: string;
  readonly form: QueryForm;
  /** Relative IRIs of the text resolve against this (the endpoint's URL for a protocol request). */
  readonly baseIri?: string;
  /** The dataset the query asks for: protocol parameters, which override FROM / FROM NAMED of the text. */
  readonly dataset?: Dataset;
  /** The dataset is the text's own FROM / FROM NAMED (no protocol parameters). */
  readonly datasetInText: boolean;
  /** Endpoints of SERVICE clauses given by IRI. */
  readonly serviceIris: readonly string[];
  /** Any SERVICE clause, by IRI or by variable: the query must be federated. */
  readonly usesService: boolean;
  /** Some pattern is inside GRAPH. */
  readonly usesGraph: boolean;
  readonly depth: number;
  readonly parsed: sparqljs.Query;
}

export interface PreparedUpdate {
  readonly kind: 'update';
  /** The text the engine runs: the client's own, or regenerated with the protocol's USING clauses. */
  readonly text: string;
  readonly baseIri?: string;
  /** Some operation can add quads (INSERT, LOAD, ADD, COPY, MOVE): the store's size ceiling applies. */
  readonly mayAdd: boolean;
  readonly usesService: boolean;
  readonly serviceIris: readonly string[];
  /** Some operation has a WHERE over the request's default dataset (no USING, no WITH). */
  readonly readsDefaultDataset: boolean;
  /** The named graphs it can change, when it changes only graphs named by IRI; undefined: it may change any. */
  readonly graphsWritten?: readonly string[];
  readonly depth: number;
  readonly parsed: sparqljs.Update;
}

export type PreparedOperation = PreparedQuery | PreparedUpdate;

export interface PrepareQueryOptions extends PrepareLimits {
  baseIri?: string;
  /** default-graph-uri / named-graph-uri of the protocol request. */
  dataset?: Dataset;
}

export interface PrepareUpdateOptions extends PrepareLimits {
  baseIri?: string;
  /** using-graph-uri / using-named-graph-uri of the protocol request. */
  using?: Dataset;
}

const FORMS: Record<sparqljs.Query['queryType'], QueryForm> = {
  SELECT: 'select',
  ASK: 'ask',
  CONSTRUCT: 'construct',
  DESCRIBE: 'describe',
};

export function prepareQuery(text: string, options: PrepareQueryOptions = {}): PreparedQuery {
  checkQueryLength(text, options);
  const { parsed, depth } = parse(text, 'query', options);
  if (parsed.type !== 'query')
    throw new BadRequestError(
      'Expected a SPARQL query, got an update: send it as update= or application/sparql-update.',
    );
  const service = serviceClauses(parsed);
  const dataset = options.dataset ?? datasetOf(parsed.from);
  return {
    kind: 'query',
    text,
    form: FORMS[parsed.queryType],
    ...(options.baseIri ? { baseIri: options.baseIri } : {}),
    ...(dataset ? { dataset } : {}),
    datasetInText: dataset !== undefined && options.dataset === undefined,
    serviceIris: service.iris,
    usesService: service.any,
    usesGraph: usesGraphPattern(parsed.where ?? []),
    depth,
    parsed,
  };
}

export function prepareUpdate(text: string, options: PrepareUpdateOptions = {}): PreparedUpdate {
  const { parsed, depth } = parse(text, 'update', options);
  if (parsed.type !== 'update')
    throw new BadRequestError(
      'Expected a SPARQL update, got a query: send it as query= or application/sparql-query.',
    );
  const update = options.using ? withUsing(parsed, options.using) : parsed;
  const service = serviceClauses(update);
  return {
    kind: 'update',
    text: update === parsed ? text : new sparqljs.Generator({ sparqlStar: true }).stringify(update),
    ...(options.baseIri ? { baseIri: options.baseIri } : {}),
    mayAdd: update.updates.some(mayAdd),
    usesService: service.any,
    serviceIris: service.iris,
    readsDefaultDataset: update.updates.some(readsDefaultDataset),
    graphsWritten: graphsWritten(update),
    depth,
    parsed: update,
  };
}

/** Throws the 400 of a query text over its length limit (before it is parsed, or sent to be). */
export function checkQueryLength(text: string, options: PrepareLimits = {}): void {
  const max = options.maxQueryChars ?? MAX_QUERY_CHARS;
  if (text.length > max)
    throw new BadRequestError(
      `The query is ${text.length} characters long; at most ${max} are accepted. Move large VALUES lists into the store, or split the query.`,
    );
}

/** A query given as text (a library caller, the catalog) is prepared here; a prepared one is used as is. */
export function asPreparedQuery(query: string | PreparedQuery, baseIri?: string): PreparedQuery {
  return typeof query === 'string' ? prepareQuery(query, baseIri ? { baseIri } : {}) : query;
}

export function asPreparedUpdate(update: string | PreparedUpdate, baseIri?: string): PreparedUpdate {
  return typeof update === 'string' ? prepareUpdate(update, baseIri ? { baseIri } : {}) : update;
}

function parse(
  text: string,
  kind: ExpectedKind,
  options: PrepareLimits & { baseIri?: string },
): { parsed: sparqljs.SparqlQuery; depth: number } {
  const depth = checkNesting(text, options.maxNesting);
  let parsed: sparqljs.SparqlQuery;
  try {
    parsed = sparqlParser.parse(text, options.baseIri);
  } catch (error) {
    const what = kind === 'query' ? 'SPARQL query' : 'SPARQL update';
    throw new BadRequestError(`Malformed ${what}: ${readableParseError(error, text, kind)}`, {
      cause: error,
    });
  }
  // Before any engine, and before the walks of analyse.ts, sees the tree.
  checkTreeDepth(parsed);
  checkOperationDepth(parsed, options.maxOperationDepth);
  return { parsed, depth };
}

/** The one place a SPARQL text is parsed (an object, so that a test can count the parses of a thread). */
export const sparqlParser = {
  parse(text: string, baseIri: string | undefined): sparqljs.SparqlQuery {
    const parser = new sparqljs.Parser({
      sparqlStar: true,
      // The kernel's factory: the terms of a tree rebuilt after the parse thread (rehydrate.ts) are the same.
      factory: rdfjsFactory(),
      ...(baseIri ? { baseIRI: baseIri } : {}),
    });
    // Blank nodes of `[]` are numbered from 0 in each parse, not on from the thread's previous parses: the
    // same text gives the same tree in any thread.
    parser._resetBlanks();
    const parsed = parser.parse(text);
    // sparqljs gives the prefixes an object with a prototype of its own; a copy across threads has none.
    parsed.prefixes = { ...parsed.prefixes };
    return parsed;
  },
};

function datasetOf(from: sparqljs.BaseQuery['from']): Dataset | undefined {
  if (!from || (from.default.length === 0 && from.named.length === 0)) return undefined;
  return { defaultGraphs: from.default.map((g) => g.value), namedGraphs: from.named.map((g) => g.value) };
}

/**
 * The protocol's using-graph-uri / using-named-graph-uri as USING / USING NAMED of every DELETE/INSERT
 * with a WHERE. SPARQL 1.1 Protocol §2.2.3: giving them and a USING or WITH in the text is an error.
 */
function withUsing(update: sparqljs.Update, using: Dataset): sparqljs.Update {
  const iri = (value: string): sparqljs.IriTerm => rdfjsFactory().namedNode(value);
  const clause = { default: (using.defaultGraphs ?? []).map(iri), named: (using.namedGraphs ?? []).map(iri) };
  const updates = update.updates.map((operation): sparqljs.UpdateOperation => {
    if (!('updateType' in operation)) return operation;
    if (operation.updateType === 'insertdelete') {
      if (operation.using || operation.graph)
        throw new BadRequestError(
          'using-graph-uri / using-named-graph-uri cannot be combined with USING or WITH in the update text (SPARQL 1.1 Protocol §2.2.3): give the dataset one way.',
        );
      return { ...operation, using: clause };
    }
    if (operation.updateType === 'deletewhere') {
      // DELETE WHERE has no USING clause in the grammar: the same operation in its long form.
      return {
        updateType: 'insertdelete',
        delete: operation.delete,
        insert: [],
        where: asPatterns(operation.delete),
        using: clause,
      };
    }
    return operation;
  });
  return { ...update, updates };
}
