import { BadRequestError } from '../../errors.ts';
import { type GraphTerm, isValidIri } from '../../rdf/index.ts';

/** The graph a Graph Store request addresses: `?graph=<IRI>` or `?default`, exactly one. */
export function graphTarget(params: URLSearchParams): GraphTerm {
  const graphs = params.getAll('graph');
  const hasDefault = params.has('default');
  if (graphs.length > 0 && hasDefault) {
    throw new BadRequestError('Give either ?graph=<IRI> or ?default, not both.');
  }
  if (hasDefault) {
    if (params.getAll('default').some((value) => value !== '')) {
      throw new BadRequestError(
        '?default takes no value: write /store?default to address the default graph.',
      );
    }
    return { termType: 'DefaultGraph', value: '' };
  }
  if (graphs.length === 0) {
    throw new BadRequestError(
      'Say which graph: /store?graph=<absolute IRI> for a named graph or /store?default for the default graph.',
    );
  }
  if (graphs.length > 1)
    throw new BadRequestError(`The parameter graph was given ${graphs.length} times; send it exactly once.`);
  const iri = graphs[0] ?? '';
  if (!isValidIri(iri))
    throw new BadRequestError(`graph must be an absolute IRI (URL-encoded), got ${JSON.stringify(iri)}.`);
  return { termType: 'NamedNode', value: iri };
}

export const describeGraph = (graph: GraphTerm): string =>
  graph.termType === 'DefaultGraph' ? 'the default graph' : `graph <${graph.value}>`;
