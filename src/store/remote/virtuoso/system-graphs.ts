import type sparqljs from 'sparqljs';
import { rdf } from '../../../vocab.ts';
import { namesAGraph, triplesOutsideNamedGraphs } from './default-graph.ts';

// Virtuoso keeps its own schema (about 2,500 triples) in a few graphs that its union default graph includes.
// DEFINE input:default-graph-exclude keeps them out, but slows Virtuoso's plans (a 10 ms query can take 10 s
// at 2×10^7 triples) and Virtuoso 7.2 answers GRAPH <iri> with nothing once it is defined. So the pragma is
// used only for a query that could match those triples: a pattern with a variable predicate, a predicate the
// system graphs use, or rdf:type with a class they use.

export interface SystemGraphs {
  graphs: string[];
  /** Predicates used in the system graphs. */
  predicates: ReadonlySet<string>;
  /** Objects of rdf:type in the system graphs. */
  classes: ReadonlySet<string>;
}

export const NO_SYSTEM_GRAPHS: SystemGraphs = { graphs: [], predicates: new Set(), classes: new Set() };

const RDF_TYPE = rdf('type');

/** Whether a query needs the system graphs excluded, and can have them excluded. */
export function needsSystemGraphExclusion(parsed: sparqljs.Query, system: SystemGraphs): boolean {
  if (system.graphs.length === 0) return false;
  const where = parsed.where ?? [];
  if (where.some(namesAGraph)) return false; // the pragma would empty GRAPH <iri> (a documented limit)
  return where.some((pattern) => [...triplesOutsideNamedGraphs(pattern)].some((t) => mayMatch(t, system)));
}

function mayMatch(triple: sparqljs.Triple, system: SystemGraphs): boolean {
  const { predicate, object } = triple;
  if (!('termType' in predicate)) {
    // `p|q` is p or q with the same object (`a|a` is used to match a type once); other paths by their IRIs.
    if (predicate.pathType === '|' && predicate.items.every((item) => 'termType' in item))
      return predicate.items.some((item) =>
        mayMatch({ ...triple, predicate: item as sparqljs.IriTerm }, system),
      );
    return pathIris(predicate).some((iri) => system.predicates.has(iri));
  }
  if (predicate.termType !== 'NamedNode') return true;
  if (!system.predicates.has(predicate.value)) return false;
  if (predicate.value === RDF_TYPE && object.termType === 'NamedNode')
    return system.classes.has(object.value);
  return true;
}

function pathIris(path: sparqljs.PropertyPath): string[] {
  return path.items.flatMap((item) => ('termType' in item ? [item.value] : pathIris(item)));
}
