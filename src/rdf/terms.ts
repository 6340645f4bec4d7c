// Plain RDF terms: the values that cross module and thread boundaries (structured-clone safe), shaped like
// RDF/JS terms without their methods (rdfjs.ts converts them to RDF/JS objects where a library needs those).
import { rdf, xsd } from '../vocab.ts';

export interface NamedNodeTerm {
  termType: 'NamedNode';
  value: string;
}
export interface BlankNodeTerm {
  termType: 'BlankNode';
  value: string;
}
export interface LiteralTerm {
  termType: 'Literal';
  value: string;
  language: string;
  datatype: NamedNodeTerm;
}
export interface DefaultGraphTerm {
  termType: 'DefaultGraph';
  value: '';
}
export interface TripleTerm {
  termType: 'Quad';
  value: '';
  subject: Term;
  predicate: Term;
  object: Term;
  graph: Term;
}

export type Term = NamedNodeTerm | BlankNodeTerm | LiteralTerm | DefaultGraphTerm | TripleTerm;
export type GraphTerm = NamedNodeTerm | BlankNodeTerm | DefaultGraphTerm;

export interface QuadData {
  subject: NamedNodeTerm | BlankNodeTerm | TripleTerm;
  predicate: NamedNodeTerm;
  object: NamedNodeTerm | BlankNodeTerm | LiteralTerm | TripleTerm;
  graph: GraphTerm;
}

export const XSD_STRING = xsd('string');
export const RDF_LANG_STRING = rdf('langString');

// Shared by many terms, so frozen: a term is a value, never edited in place.
const STRING_TYPE: NamedNodeTerm = Object.freeze({ termType: 'NamedNode', value: XSD_STRING });
const LANG_STRING_TYPE: NamedNodeTerm = Object.freeze({ termType: 'NamedNode', value: RDF_LANG_STRING });

export const DEFAULT_GRAPH: DefaultGraphTerm = Object.freeze({ termType: 'DefaultGraph', value: '' });

export function namedNode(value: string): NamedNodeTerm {
  return { termType: 'NamedNode', value };
}

export function blankNode(value: string): BlankNodeTerm {
  return { termType: 'BlankNode', value };
}

/** A literal: a language tag makes it an rdf:langString, no datatype an xsd:string. */
export function literal(value: string, language = '', datatype?: string): LiteralTerm {
  if (language) return { termType: 'Literal', value, language, datatype: LANG_STRING_TYPE };
  return {
    termType: 'Literal',
    value,
    language: '',
    datatype: datatype && datatype !== XSD_STRING ? namedNode(datatype) : STRING_TYPE,
  };
}

export function defaultGraph(): DefaultGraphTerm {
  return DEFAULT_GRAPH;
}

export function tripleTerm(
  subject: Term,
  predicate: Term,
  object: Term,
  graph: Term = DEFAULT_GRAPH,
): TripleTerm {
  return { termType: 'Quad', value: '', subject, predicate, object, graph };
}

export function inDefaultGraph(quad: QuadData): QuadData {
  return { ...quad, graph: DEFAULT_GRAPH };
}
