import * as ox from 'oxigraph';
import type { GraphTerm, LiteralTerm, NamedNodeTerm, QuadData, Term } from './terms.ts';

const XSD_STRING: NamedNodeTerm = { termType: 'NamedNode', value: 'http://www.w3.org/2001/XMLSchema#string' };
const RDF_LANG_STRING: NamedNodeTerm = {
  termType: 'NamedNode',
  value: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#langString',
};

/** Oxigraph term → plain term (structured-clone safe). */
export function fromOx(term: ox.Term): Term {
  switch (term.termType) {
    case 'NamedNode':
      return { termType: 'NamedNode', value: term.value };
    case 'BlankNode':
      return { termType: 'BlankNode', value: term.value };
    case 'Literal':
      return literal(term.value, term.language, term.datatype.value);
    case 'DefaultGraph':
      return { termType: 'DefaultGraph', value: '' };
    case 'Quad': {
      const q = term as ox.Quad;
      return {
        termType: 'Quad',
        value: '',
        subject: fromOx(q.subject),
        predicate: fromOx(q.predicate),
        object: fromOx(q.object),
        graph: fromOx(q.graph),
      };
    }
    default:
      throw new Error(`Unexpected term type ${term.termType}`);
  }
}

export function fromOxQuad(q: ox.Quad): QuadData {
  return {
    subject: fromOx(q.subject) as QuadData['subject'],
    predicate: fromOx(q.predicate) as NamedNodeTerm,
    object: fromOx(q.object) as QuadData['object'],
    graph: fromOx(q.graph) as GraphTerm,
  };
}

/** Plain graph term → Oxigraph graph term. */
export function toOxGraph(graph: GraphTerm): ox.NamedNode | ox.BlankNode | ox.DefaultGraph {
  if (graph.termType === 'NamedNode') return ox.namedNode(graph.value);
  if (graph.termType === 'BlankNode') return ox.blankNode(graph.value);
  return ox.defaultGraph();
}

export function literal(value: string, language = '', datatype?: string): LiteralTerm {
  if (language) return { termType: 'Literal', value, language, datatype: RDF_LANG_STRING };
  return {
    termType: 'Literal',
    value,
    language: '',
    datatype: datatype ? { termType: 'NamedNode', value: datatype } : XSD_STRING,
  };
}
