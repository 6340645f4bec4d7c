import { compactIri } from './compact.ts';

/** One result row of a rule query: variable name → IRI (or blank node label). */
export type RuleRow = Record<string, string | undefined>;

export interface AlignmentRule {
  /** Stable id, shown in reports and used by scripts. */
  id: string;
  /** The SPARQL file in ./rules that finds the violations (one row per violation). */
  query: string;
  /** A message that names the term and says what to fix. */
  message: (row: RuleRow) => string;
}

function c(iri: string | undefined): string {
  if (!iri) return '(none)';
  return iri.startsWith('_:') ? 'an anonymous class (owl:unionOf …)' : compactIri(iri);
}

/** The alignment rules, in report order. */
export const ALIGNMENT_RULES: readonly AlignmentRule[] = [
  {
    id: 'term-defined',
    query: 'term-defined.rq',
    message: (r) =>
      `${c(r.term)} is used but defined nowhere in the loaded ontologies (misspelled, or missing an rdf:type declaration).`,
  },
  {
    id: 'class-reaches-prov',
    query: 'class-reaches-prov.rq',
    message: (r) =>
      `class ${c(r.term)} does not reach a PROV-O class by rdfs:subClassOf*; add rdfs:subClassOf prov:Entity, prov:Activity, prov:Agent or a class below them.`,
  },
  {
    id: 'property-reaches-prov',
    query: 'property-reaches-prov.rq',
    message: (r) =>
      `object property ${c(r.term)} does not reach a PROV-O property by rdfs:subPropertyOf*; add rdfs:subPropertyOf prov:wasInfluencedBy or a more specific PROV property.`,
  },
  {
    id: 'datatype-property-anchored',
    query: 'datatype-property-anchored.rq',
    message: (r) =>
      r.member
        ? `datatype property ${c(r.term)} has domain member ${c(r.member)} that does not reach a PROV-O class, and no PROV-O datatype super-property.`
        : `datatype property ${c(r.term)} has neither a PROV-O datatype super-property nor an rdfs:domain reaching a PROV-O class; add one.`,
  },
  {
    id: 'no-subclass-cycle',
    query: 'no-subclass-cycle.rq',
    message: (r) =>
      `class ${c(r.term)} is its own superclass through an rdfs:subClassOf cycle; break the cycle.`,
  },
  {
    id: 'no-subproperty-cycle',
    query: 'no-subproperty-cycle.rq',
    message: (r) =>
      `property ${c(r.term)} is its own super-property through an rdfs:subPropertyOf cycle; break the cycle.`,
  },
  {
    id: 'disjoint-classes',
    query: 'disjoint-classes.rq',
    message: (r) =>
      `class ${c(r.term)} is a subclass of both ${c(r.a)} and ${c(r.b)}, which are disjoint; keep one side.`,
  },
  {
    id: 'domain-compatible',
    query: 'domain-compatible.rq',
    message: (r) =>
      `property ${c(r.term)}: domain ${c(r.member)} is not a subclass of ${c(r.inherited)}, the domain of its super-property ${c(r.super)}.`,
  },
  {
    id: 'range-compatible',
    query: 'range-compatible.rq',
    message: (r) =>
      `property ${c(r.term)}: range ${c(r.member)} is not a subclass of ${c(r.inherited)}, the range of its super-property ${c(r.super)}.`,
  },
  {
    id: 'label-and-comment',
    query: 'label-and-comment.rq',
    message: (r) =>
      `${c(r.term)} has no ${c(r.missing)}; every term needs an rdfs:label and an rdfs:comment.`,
  },
];
