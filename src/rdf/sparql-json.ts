// SPARQL 1.1 Query Results JSON ↔ plain terms. Reading irons out what Virtuoso does differently: booleans as
// "1"/"0", blank nodes as `nodeID://b10000`, and the SPARQL 1.0 `typed-literal`. Written here rather than taken
// from sparqljson-parse: that library loads its streaming parser (readable-stream) with it, which costs every
// process and worker thread ~35 ms at start (~90 ms under tsx), for the twenty lines used here.
import { BadRequestError } from '../errors.ts';
import { VIRTUOSO_BNODE_PREFIX, xsd } from '../vocab.ts';
import { blankNode, literal, namedNode, type Term, tripleTerm, XSD_STRING } from './terms.ts';

export interface JsonTerm {
  type: 'uri' | 'literal' | 'bnode' | 'triple' | 'typed-literal';
  value: string | { subject: JsonTerm; predicate: JsonTerm; object: JsonTerm };
  datatype?: string;
  'xml:lang'?: string;
}

/** A SELECT result: the variables in order, one row per solution (an unbound variable is absent). */
export interface Solutions {
  variables: string[];
  rows: Array<Record<string, Term>>;
}

export interface SparqlJson {
  head: { vars?: string[] };
  results?: { bindings: Array<Record<string, JsonTerm>> };
  boolean?: boolean;
}

const XSD_BOOLEAN = xsd('boolean');

export function fromJsonTerm(term: JsonTerm): Term {
  if (term.type === 'triple' && typeof term.value === 'object')
    return tripleTerm(
      fromJsonTerm(term.value.subject),
      fromJsonTerm(term.value.predicate),
      fromJsonTerm(term.value.object),
    );
  const value = String(term.value);
  if (term.type === 'uri') return namedNode(value);
  if (term.type === 'bnode') return blankNode(blankNodeLabel(value));
  const language = term['xml:lang'] ?? '';
  if (language) return literal(value, language);
  const datatype = term.datatype ?? XSD_STRING;
  const lexical =
    datatype === XSD_BOOLEAN && (value === '1' || value === '0') ? String(value === '1') : value;
  return literal(lexical, '', datatype);
}

/** A label that is valid in N-Triples and SPARQL, whatever the engine wrote. */
function blankNodeLabel(value: string): string {
  const label = value.startsWith(VIRTUOSO_BNODE_PREFIX) ? value.slice(VIRTUOSO_BNODE_PREFIX.length) : value;
  return label.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[.-]/, '_');
}

/** Plain term → SPARQL 1.1 JSON results term (RDF-star triples included). */
export function toJsonTerm(term: Term): JsonTerm {
  switch (term.termType) {
    case 'NamedNode':
      return { type: 'uri', value: term.value };
    case 'BlankNode':
      return { type: 'bnode', value: term.value };
    case 'Literal':
      if (term.language) return { type: 'literal', value: term.value, 'xml:lang': term.language };
      if (term.datatype.value === XSD_STRING) return { type: 'literal', value: term.value };
      return { type: 'literal', value: term.value, datatype: term.datatype.value };
    case 'Quad':
      return {
        type: 'triple',
        value: {
          subject: toJsonTerm(term.subject),
          predicate: toJsonTerm(term.predicate),
          object: toJsonTerm(term.object),
        },
      };
    default:
      return { type: 'literal', value: '' };
  }
}

/** Parses a SPARQL JSON results document; `source` names who sent it in the error. */
export function parseSparqlJson(body: string, source: string): SparqlJson {
  try {
    return JSON.parse(body) as SparqlJson;
  } catch (error) {
    throw new BadRequestError(`${source} did not answer SPARQL JSON results: ${body.slice(0, 200)}`, {
      cause: error,
    });
  }
}

export function solutionsFromJson(json: SparqlJson): Solutions {
  const rows = (json.results?.bindings ?? []).map((binding) => {
    const row: Record<string, Term> = {};
    for (const [name, value] of Object.entries(binding)) row[name] = fromJsonTerm(value);
    return row;
  });
  return { variables: json.head?.vars ?? [], rows };
}

export function booleanFromJson(json: SparqlJson): boolean {
  if (typeof json.boolean !== 'boolean') throw new BadRequestError('Expected an ASK query.');
  return json.boolean;
}

export function solutionsToJson(result: Solutions): Required<Omit<SparqlJson, 'boolean'>> {
  return {
    head: { vars: result.variables },
    results: {
      bindings: result.rows.map((row) => {
        const binding: Record<string, JsonTerm> = {};
        for (const [name, term] of Object.entries(row)) binding[name] = toJsonTerm(term);
        return binding;
      }),
    },
  };
}

export function booleanToJson(value: boolean): { head: Record<string, never>; boolean: boolean } {
  return { head: {}, boolean: value };
}
