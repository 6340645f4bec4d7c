import { BadRequestError } from '../../errors.ts';
import {
  DEFAULT_GRAPH,
  type GraphTerm,
  parseSparqlJson,
  type QuadData,
  type SparqlJson,
  solutionsFromJson,
  type Term,
} from '../../rdf/index.ts';

// What the remote engine answers, read into plain values with the RDF kernel.

/** The engine's SPARQL JSON results; a body that is not JSON is the engine's fault, named by its URL. */
export function engineJson(body: string, url: string): SparqlJson {
  return parseSparqlJson(body, `The SPARQL engine at ${url}`);
}

/** A CONSTRUCT answered as a result set with ?s ?p ?o (what Virtuoso sends for JSON), or ?g too. */
export function rowsAsQuads(
  json: SparqlJson,
  graphOf: (g: Term | undefined) => GraphTerm = () => DEFAULT_GRAPH,
): QuadData[] {
  return solutionsFromJson(json).rows.map((row) => rowAsQuad(row, graphOf(row.g)));
}

/** One ?s ?p ?o row as a quad in `graph`. */
export function rowAsQuad(row: Record<string, Term>, graph: GraphTerm): QuadData {
  const { s, p, o } = row;
  if (!s || !p || !o) throw new BadRequestError('The engine answered a graph without ?s ?p ?o bindings.');
  return { subject: s, predicate: p, object: o, graph } as QuadData;
}
