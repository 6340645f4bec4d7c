import type { QuadData } from '../rdf/index.ts';
import { owl, rdf, rdfs, STANDARD_NAMESPACES } from '../vocab.ts';

const DECLARATION_TYPES = new Set([
  owl('Class'),
  rdfs('Class'),
  owl('ObjectProperty'),
  owl('DatatypeProperty'),
  owl('AnnotationProperty'),
  rdf('Property'),
  owl('NamedIndividual'),
]);

/** The namespace of an IRI: everything up to its last `#` or `/`. */
export function namespaceOf(iri: string): string {
  const cut = Math.max(iri.lastIndexOf('#'), iri.lastIndexOf('/'));
  return cut < 0 ? iri : iri.slice(0, cut + 1);
}

/**
 * The namespaces an ontology defines terms in: those of its declared classes, properties and named
 * individuals, leaving out the W3C vocabularies it builds on. Without declarations, the owl:Ontology
 * IRI followed by `#` (or itself when it ends in `#` or `/`).
 */
export function inferNamespaces(triples: QuadData[]): string[] {
  const counts = new Map<string, number>();
  const ontologies: string[] = [];
  for (const { subject, predicate, object } of triples) {
    if (
      predicate.value !== rdf('type') ||
      subject.termType !== 'NamedNode' ||
      object.termType !== 'NamedNode'
    )
      continue;
    if (object.value === owl('Ontology')) ontologies.push(subject.value);
    if (!DECLARATION_TYPES.has(object.value)) continue;
    const ns = namespaceOf(subject.value);
    if ((STANDARD_NAMESPACES as readonly string[]).includes(ns)) continue;
    counts.set(ns, (counts.get(ns) ?? 0) + 1);
  }
  if (counts.size > 0) return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([ns]) => ns);
  return ontologies.map((iri) => (iri.endsWith('#') || iri.endsWith('/') ? iri : `${iri}#`));
}
