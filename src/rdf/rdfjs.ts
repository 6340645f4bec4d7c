// Plain terms ↔ RDF/JS terms (with `equals`), for the libraries that need RDF/JS objects: Comunica (a
// query source), rdf-validate-shacl (a dataset). One factory: rdf-data-factory, the one Comunica uses.
import type * as RDF from '@rdfjs/types';
import { DataFactory } from 'rdf-data-factory';
import type { QuadData, Term } from './terms.ts';

export const rdfjsFactory: RDF.DataFactory<RDF.Quad, RDF.Quad> = new DataFactory();

export function toRdfJs(term: Term): RDF.Term {
  switch (term.termType) {
    case 'NamedNode':
      return rdfjsFactory.namedNode(term.value);
    case 'BlankNode':
      return rdfjsFactory.blankNode(term.value);
    case 'Literal':
      return term.language
        ? rdfjsFactory.literal(term.value, term.language)
        : rdfjsFactory.literal(term.value, rdfjsFactory.namedNode(term.datatype.value));
    case 'DefaultGraph':
      return rdfjsFactory.defaultGraph();
    case 'Quad':
      return rdfjsFactory.quad(
        toRdfJs(term.subject) as RDF.Quad_Subject,
        toRdfJs(term.predicate) as RDF.Quad_Predicate,
        toRdfJs(term.object) as RDF.Quad_Object,
        toRdfJs(term.graph) as RDF.Quad_Graph,
      );
  }
}

export function toRdfJsQuad(quad: QuadData): RDF.Quad {
  return rdfjsFactory.quad(
    toRdfJs(quad.subject) as RDF.Quad_Subject,
    toRdfJs(quad.predicate) as RDF.Quad_Predicate,
    toRdfJs(quad.object) as RDF.Quad_Object,
    toRdfJs(quad.graph) as RDF.Quad_Graph,
  );
}

/** RDF/JS term → plain term (drops RDF/JS methods; variables are not terms). */
export function fromRdfJs(term: RDF.Term): Term {
  switch (term.termType) {
    case 'NamedNode':
    case 'BlankNode':
      return { termType: term.termType, value: term.value };
    case 'Literal':
      return {
        termType: 'Literal',
        value: term.value,
        language: term.language,
        datatype: { termType: 'NamedNode', value: term.datatype.value },
      };
    case 'DefaultGraph':
      return { termType: 'DefaultGraph', value: '' };
    case 'Quad':
      return {
        termType: 'Quad',
        value: '',
        subject: fromRdfJs(term.subject),
        predicate: fromRdfJs(term.predicate),
        object: fromRdfJs(term.object),
        graph: fromRdfJs(term.graph),
      };
    case 'Variable':
      throw new Error(`A variable (?${term.value}) is not an RDF term.`);
  }
}
