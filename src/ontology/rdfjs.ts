import type * as RDF from '@rdfjs/types';
import rdf from '@zazuko/env';
import type { QuadData, Term } from '../store/index.ts';

type RdfjsDataset = ReturnType<typeof rdf.dataset>;

/** Plain store quads → an RDF/JS dataset (all in the default graph), for rdf-validate-shacl. */
export function toDataset(...lists: QuadData[][]): RdfjsDataset {
  const dataset = rdf.dataset();
  for (const quads of lists) {
    for (const q of quads) {
      if (q.subject.termType === 'Quad' || q.object.termType === 'Quad') continue; // RDF-star: not shape-checked
      dataset.add(
        rdf.quad(
          toTerm(q.subject) as RDF.Quad_Subject,
          rdf.namedNode(q.predicate.value),
          toTerm(q.object) as RDF.Quad_Object,
        ),
      );
    }
  }
  return dataset;
}

function toTerm(term: Term): RDF.Term {
  switch (term.termType) {
    case 'NamedNode':
      return rdf.namedNode(term.value);
    case 'BlankNode':
      return rdf.blankNode(term.value);
    case 'Literal':
      return term.language
        ? rdf.literal(term.value, term.language)
        : rdf.literal(term.value, rdf.namedNode(term.datatype.value));
    default:
      return rdf.defaultGraph();
  }
}

/** How a term is shown in a report: the IRI, `_:label`, or the literal's lexical form. */
export function showTerm(term: RDF.Term | null | undefined): string {
  if (!term) return '';
  if (term.termType === 'BlankNode') return `_:${term.value}`;
  return term.value;
}
