// Plain RDF terms that cross module and thread boundaries (structured-clone safe),
// shaped like RDF/JS terms so they interoperate with jsonld, SHACL and Comunica.

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
