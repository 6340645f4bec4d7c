import { BadRequestError } from '../errors.ts';
import { VIRTUOSO_BNODE_PREFIX, xsd } from '../vocab.ts';
import type { SelectResult } from './api.ts';
import type { GraphTerm, LiteralTerm, QuadData, Term } from './terms.ts';

// SPARQL 1.1 JSON results → plain terms, without Oxigraph (used for Oxigraph's own JSON output and for
// remote engines). It also irons out what Virtuoso does
// differently: booleans as "1"/"0", blank nodes as `nodeID://b10000`, and the SPARQL 1.0 `typed-literal`.

export interface JsonTerm {
  type: 'uri' | 'literal' | 'bnode' | 'triple' | 'typed-literal';
  value: string | { subject: JsonTerm; predicate: JsonTerm; object: JsonTerm };
  datatype?: string;
  'xml:lang'?: string;
}

interface JsonResults {
  head?: { vars?: string[] };
  boolean?: boolean;
  results?: { bindings?: Array<Record<string, JsonTerm>> };
}

const XSD_STRING = xsd('string');
const XSD_BOOLEAN = xsd('boolean');
const RDF_LANG_STRING = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString';

export function fromJsonTerm(t: JsonTerm): Term {
  if (t.type === 'triple' && typeof t.value === 'object') {
    return {
      termType: 'Quad',
      value: '',
      subject: fromJsonTerm(t.value.subject),
      predicate: fromJsonTerm(t.value.predicate),
      object: fromJsonTerm(t.value.object),
      graph: { termType: 'DefaultGraph', value: '' },
    };
  }
  const value = String(t.value);
  if (t.type === 'uri') return { termType: 'NamedNode', value };
  if (t.type === 'bnode') return { termType: 'BlankNode', value: bnodeLabel(value) };
  return jsonLiteral(value, t['xml:lang'] ?? '', t.datatype);
}

function bnodeLabel(value: string): string {
  const label = value.startsWith(VIRTUOSO_BNODE_PREFIX) ? value.slice(VIRTUOSO_BNODE_PREFIX.length) : value;
  return label.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^[.-]/, '_');
}

function jsonLiteral(value: string, language: string, datatype?: string): LiteralTerm {
  if (language)
    return {
      termType: 'Literal',
      value,
      language,
      datatype: { termType: 'NamedNode', value: RDF_LANG_STRING },
    };
  const type = datatype ?? XSD_STRING;
  const lexical = type === XSD_BOOLEAN && (value === '1' || value === '0') ? String(value === '1') : value;
  return {
    termType: 'Literal',
    value: lexical,
    language: '',
    datatype: { termType: 'NamedNode', value: type },
  };
}

export function parseJson(body: string, url: string): JsonResults {
  try {
    return JSON.parse(body) as JsonResults;
  } catch (error) {
    throw new BadRequestError(
      `The SPARQL engine at ${url} did not answer SPARQL JSON results: ${body.slice(0, 200)}`,
      { cause: error },
    );
  }
}

export function toSelectResult(json: JsonResults): SelectResult {
  const rows = (json.results?.bindings ?? []).map((binding) => {
    const row: Record<string, Term> = {};
    for (const [name, value] of Object.entries(binding)) row[name] = fromJsonTerm(value);
    return row;
  });
  return { variables: json.head?.vars ?? [], rows };
}

export function toBoolean(json: JsonResults): boolean {
  if (typeof json.boolean !== 'boolean') throw new BadRequestError('Expected an ASK query.');
  return json.boolean;
}

/** A CONSTRUCT answered as a result set with ?s ?p ?o (what Virtuoso sends for JSON), or ?g too. */
export function toQuads(json: JsonResults, graphOf: (g: Term | undefined) => GraphTerm): QuadData[] {
  return toSelectResult(json).rows.map((row) => {
    const { s, p, o, g } = row;
    if (!s || !p || !o) throw new BadRequestError('The engine answered a graph without ?s ?p ?o bindings.');
    return { subject: s, predicate: p, object: o, graph: graphOf(g) } as QuadData;
  });
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
