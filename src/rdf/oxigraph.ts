// Oxigraph terms ↔ plain terms: the conversion the store's engine and the kernel's parser share.
import * as ox from 'oxigraph';
import {
  blankNode,
  DEFAULT_GRAPH,
  type GraphTerm,
  literal,
  namedNode,
  type QuadData,
  type Term,
} from './terms.ts';

/** Oxigraph term → plain term (structured-clone safe). */
export function fromOx(term: ox.Term): Term {
  switch (term.termType) {
    case 'NamedNode':
      return namedNode(term.value);
    case 'BlankNode':
      return blankNode(term.value);
    case 'Literal':
      return literal(term.value, term.language, term.datatype.value);
    case 'DefaultGraph':
      return DEFAULT_GRAPH;
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
    predicate: fromOx(q.predicate) as QuadData['predicate'],
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
