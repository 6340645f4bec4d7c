import { BadRequestError } from '../errors.ts';
import { type Term, termToNTriples } from '../rdf/index.ts';
import type { CatalogParam } from './catalog-header.ts';
import { ParameterError } from './errors.ts';
import { toTerm } from './params.ts';

/** Parameter values as they arrive from the CLI, a URL or a JSON body. */
export type ParamValues = Record<
  string,
  string | number | boolean | Array<string | number | boolean> | undefined
>;

// Binding mechanism: every `# @bind` line of a catalog query is replaced by one
//   VALUES (?p1 ?p2) { (<iri> "text") … }
// block whose terms are written only by termToNTriples (the audited escape). A parameter left out (optional)
// is simply absent from VALUES, so its variable stays free; several values of a `*`/`+` parameter become
// several rows. The marker is a comment, so the .rq file runs unchanged in any SPARQL tool.
const MARKER = /^[ \t]*#[ \t]*@bind[ \t]*$/gm;
const MAX_ROWS = 1000;

export function hasBindMarker(query: string): boolean {
  return new RegExp(MARKER.source, 'm').test(query);
}

/** Validates and converts the values, one ParameterError per problem (named). */
export function bindTerms(params: CatalogParam[], values: ParamValues): Map<string, Term[]> {
  const known = new Set(params.map((param) => param.name));
  for (const name of Object.keys(values)) {
    if (!known.has(name) && values[name] !== undefined) {
      throw new ParameterError(
        name,
        `unknown parameter; this query takes ${params.map((p) => p.name).join(', ') || 'no parameters'}`,
      );
    }
  }
  const bound = new Map<string, Term[]>();
  for (const param of params) {
    const given = values[param.name];
    const list = (given === undefined ? [] : Array.isArray(given) ? given : [given]).map(String);
    if (list.length === 0) {
      if (param.required)
        throw new ParameterError(param.name, `missing (${param.type}: ${param.description || 'required'})`);
      continue;
    }
    if (list.length > 1 && !param.multiple)
      throw new ParameterError(param.name, 'given more than once but takes a single value');
    bound.set(
      param.name,
      list.map((raw) => toTerm(param.name, param.type, raw)),
    );
  }
  return bound;
}

/** The rows of the VALUES block for the bound terms: the cartesian product of multi-valued parameters. */
export function valueRows(bound: Map<string, Term[]>): Term[][] {
  let rows: Term[][] = [[]];
  for (const name of bound.keys()) {
    rows = rows.flatMap((row) => (bound.get(name) ?? []).map((term) => [...row, term]));
    if (rows.length > MAX_ROWS)
      throw new BadRequestError(`Too many parameter combinations (over ${MAX_ROWS}); give fewer values.`);
  }
  return rows;
}

/** The VALUES block for the bound terms (the cartesian product of multi-valued parameters). */
export function valuesBlock(bound: Map<string, Term[]>): string {
  const names = [...bound.keys()];
  const body = valueRows(bound)
    .map((row) => `(${row.map(termToNTriples).join(' ')})`)
    .join(' ');
  return `VALUES (${names.map((name) => `?${name}`).join(' ')}) { ${body} }`;
}

/** The text of a catalog query around its `# @bind` lines (as many pieces as lines, plus one). */
export function splitAtBindMarkers(query: string): string[] {
  return query.split(new RegExp(MARKER.source, 'm'));
}

/** The catalog query with its parameters bound as RDF terms at its `# @bind` markers. */
export function bindQuery(query: string, params: CatalogParam[], values: ParamValues): string {
  const bound = bindTerms(params, values);
  if (bound.size === 0) return query;
  if (!hasBindMarker(query)) throw noBindMarker();
  const block = valuesBlock(bound);
  return query.replace(MARKER, (line) => `${line.match(/^[ \t]*/)?.[0] ?? ''}${block}`);
}

export function noBindMarker(): BadRequestError {
  return new BadRequestError('This catalog query has parameters but no "# @bind" line to bind them at.');
}
