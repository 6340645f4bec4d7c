// Plain terms ↔ RDF/JS terms (with `equals`), for the libraries that need RDF/JS objects: Comunica (a
// query source), rdf-validate-shacl (a dataset). One factory: rdf-data-factory, the one Comunica uses.
import { createRequire } from 'node:module';
import type * as RDF from '@rdfjs/types';
import type { DataFactory } from 'rdf-data-factory';
import type { QuadData, Term } from './terms.ts';

let factory: RDF.DataFactory<RDF.Quad, RDF.Quad> | undefined;

/** The RDF/JS factory, loaded when first asked for: the store and its worker thread never need it. */
export function rdfjsFactory(): RDF.DataFactory<RDF.Quad, RDF.Quad> {
  if (!factory) {
    const module = createRequire(import.meta.url)('rdf-data-factory') as { DataFactory: typeof DataFactory };
    factory = new module.DataFactory();
  }
  return factory;
}

export function toRdfJs(term: Term): RDF.Term {
  const rdfjs = rdfjsFactory();
  switch (term.termType) {
    case 'NamedNode':
      return rdfjs.namedNode(term.value);
    case 'BlankNode':
      return rdfjs.blankNode(term.value);
    case 'Literal':
      return term.language
        ? rdfjs.literal(term.value, term.language)
        : rdfjs.literal(term.value, rdfjs.namedNode(term.datatype.value));
    case 'DefaultGraph':
      return rdfjs.defaultGraph();
    case 'Quad':
      return rdfjs.quad(
        toRdfJs(term.subject) as RDF.Quad_Subject,
        toRdfJs(term.predicate) as RDF.Quad_Predicate,
        toRdfJs(term.object) as RDF.Quad_Object,
        toRdfJs(term.graph) as RDF.Quad_Graph,
      );
  }
}

export function toRdfJsQuad(quad: QuadData): RDF.Quad {
  return rdfjsFactory().quad(
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
