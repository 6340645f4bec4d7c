import type * as RDF from '@rdfjs/types';
import type { QuadData, Term } from '../store/index.ts';

// Plain store terms ↔ RDF/JS terms (with `equals`), which Comunica needs from a source.

type Plain = Term | { termType: 'Variable'; value: string };

class RdfJsTerm {
  readonly termType: string;
  readonly value: string;
  readonly language: string;
  readonly datatype?: RdfJsTerm;
  constructor(termType: string, value: string, language = '', datatype?: RdfJsTerm) {
    this.termType = termType;
    this.value = value;
    this.language = language;
    if (datatype) this.datatype = datatype;
  }
  equals(other?: RDF.Term | null): boolean {
    if (!other || other.termType !== this.termType || other.value !== this.value) return false;
    if (other.termType !== 'Literal') return true;
    return other.language === this.language && other.datatype.value === this.datatype?.value;
  }
}

class RdfJsQuad {
  readonly termType = 'Quad';
  readonly value = '';
  readonly subject: RDF.Quad_Subject;
  readonly predicate: RDF.Quad_Predicate;
  readonly object: RDF.Quad_Object;
  readonly graph: RDF.Quad_Graph;
  constructor(subject: RDF.Term, predicate: RDF.Term, object: RDF.Term, graph: RDF.Term) {
    this.subject = subject as RDF.Quad_Subject;
    this.predicate = predicate as RDF.Quad_Predicate;
    this.object = object as RDF.Quad_Object;
    this.graph = graph as RDF.Quad_Graph;
  }
  equals(other?: RDF.Term | null): boolean {
    if (other?.termType !== 'Quad') return false;
    return (
      this.subject.equals(other.subject) &&
      this.predicate.equals(other.predicate) &&
      this.object.equals(other.object) &&
      this.graph.equals(other.graph)
    );
  }
}

export function toRdfJs(term: Plain): RDF.Term {
  switch (term.termType) {
    case 'Literal':
      return new RdfJsTerm(
        'Literal',
        term.value,
        term.language,
        new RdfJsTerm('NamedNode', term.datatype.value),
      ) as unknown as RDF.Literal;
    case 'Quad':
      return new RdfJsQuad(
        toRdfJs(term.subject),
        toRdfJs(term.predicate),
        toRdfJs(term.object),
        toRdfJs(term.graph),
      ) as unknown as RDF.Quad;
    default:
      return new RdfJsTerm(term.termType, term.value) as unknown as RDF.Term;
  }
}

export function toRdfJsQuad(quad: QuadData): RDF.Quad {
  return new RdfJsQuad(
    toRdfJs(quad.subject),
    toRdfJs(quad.predicate),
    toRdfJs(quad.object),
    toRdfJs(quad.graph),
  ) as unknown as RDF.Quad;
}

/** RDF/JS term → plain store term (drops RDF/JS methods; variables are not terms). */
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
