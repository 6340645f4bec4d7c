import type * as RDF from '@rdfjs/types';
import rdf from '@zazuko/env';
import { inDefaultGraph, type QuadData, toRdfJsQuad } from '../rdf/index.ts';

type RdfjsDataset = ReturnType<typeof rdf.dataset>;

/** Plain quads → an RDF/JS dataset (all in the default graph), for rdf-validate-shacl. */
export function toDataset(...lists: QuadData[][]): RdfjsDataset {
  const dataset = rdf.dataset();
  for (const quads of lists) {
    for (const q of quads) {
      if (q.subject.termType === 'Quad' || q.object.termType === 'Quad') continue; // RDF-star: not shape-checked
      dataset.add(toRdfJsQuad(inDefaultGraph(q)));
    }
  }
  return dataset;
}

/** How a term is shown in a report: the IRI, `_:label`, or the literal's lexical form. */
export function showTerm(term: RDF.Term | null | undefined): string {
  if (!term) return '';
  if (term.termType === 'BlankNode') return `_:${term.value}`;
  return term.value;
}
