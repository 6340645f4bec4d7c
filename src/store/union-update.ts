import * as ox from 'oxigraph';
import sparqljs from 'sparqljs';
import { asPatterns, readsDefaultDataset } from './prepare/analyse.ts';

// Oxigraph's update has no union-default-graph option: the WHERE of `DELETE WHERE { ?s ?p ?o }` would
// see only the stored default graph while a SELECT with the same pattern sees every graph. In union mode
// such an operation is evaluated here instead: its WHERE runs as a query over the union, the templates
// are instantiated per solution, and the quads are deleted and inserted through the store's API. A triple
// deleted from the (union) default graph is deleted from every graph holding it; an INSERT without GRAPH
// writes to the stored default graph. Operations with USING or WITH, and all others, run as Oxigraph's.

type Bindings = Map<string, ox.Term>;

/** Applies a whole update text in union mode, operation by operation, in order. */
export function applyUnionUpdate(store: ox.Store, text: string, baseIri?: string): void {
  const parsed = new sparqljs.Parser({ sparqlStar: true, ...(baseIri ? { baseIRI: baseIri } : {}) }).parse(
    text,
  ) as sparqljs.Update;
  const options = baseIri ? { base_iri: baseIri } : undefined;
  for (const operation of parsed.updates) {
    if (readsDefaultDataset(operation))
      applyOverUnion(store, operation as sparqljs.InsertDeleteOperation, options);
    else {
      const one: sparqljs.Update = { type: 'update', prefixes: {}, updates: [operation] };
      store.update(new sparqljs.Generator().stringify(one), options);
    }
  }
}

function applyOverUnion(
  store: ox.Store,
  operation: sparqljs.InsertDeleteOperation,
  options: { base_iri: string } | undefined,
): void {
  const deleteTemplate = 'delete' in operation ? operation.delete : [];
  const insertTemplate = 'insert' in operation ? operation.insert : [];
  const where = operation.updateType === 'insertdelete' ? operation.where : asPatterns(deleteTemplate);
  const select: sparqljs.SelectQuery = {
    type: 'query',
    queryType: 'SELECT',
    prefixes: {},
    variables: [new sparqljs.Wildcard()],
    where,
  };
  const solutions = store.query(new sparqljs.Generator().stringify(select), {
    ...options,
    use_default_graph_as_union: true,
  }) as Bindings[];
  const deletes: ox.Quad[] = [];
  const inserts: ox.Quad[] = [];
  for (const solution of solutions) {
    for (const quad of instantiate(deleteTemplate, solution, new Map())) {
      if (quad.graph.termType === 'DefaultGraph')
        deletes.push(...store.match(quad.subject, quad.predicate, quad.object, null));
      else deletes.push(quad);
    }
    inserts.push(...instantiate(insertTemplate, solution, new Map()));
  }
  for (const quad of deletes) store.delete(quad);
  for (const quad of inserts) store.add(quad);
}

/** The quads of a template under one solution; a quad with an unbound or misplaced term is left out. */
function* instantiate(
  template: sparqljs.Quads[],
  solution: Bindings,
  blanks: Map<string, ox.BlankNode>,
): Generator<ox.Quad> {
  for (const group of template) {
    const graph = group.type === 'graph' ? term(group.name, solution, blanks) : ox.defaultGraph();
    if (!graph || graph.termType === 'Literal' || graph.termType === 'BlankNode') continue;
    for (const triple of group.triples) {
      if (!('termType' in triple.predicate)) continue;
      const s = term(triple.subject, solution, blanks);
      const p = term(triple.predicate, solution, blanks);
      const o = term(triple.object, solution, blanks);
      if (!s || !p || !o || s.termType === 'Literal' || p.termType !== 'NamedNode') continue;
      yield ox.quad(s as ox.NamedNode, p, o as ox.NamedNode, graph as ox.NamedNode | ox.DefaultGraph);
    }
  }
}

function term(
  value: sparqljs.Term,
  solution: Bindings,
  blanks: Map<string, ox.BlankNode>,
): ox.Term | undefined {
  switch (value.termType) {
    case 'Variable':
      return solution.get(value.value);
    case 'NamedNode':
      return ox.namedNode(value.value);
    case 'BlankNode': {
      // A template's blank node is a fresh node per solution.
      let node = blanks.get(value.value);
      if (!node) {
        node = ox.blankNode();
        blanks.set(value.value, node);
      }
      return node;
    }
    case 'Literal':
      return value.language
        ? ox.literal(value.value, value.language)
        : ox.literal(value.value, ox.namedNode(value.datatype.value));
    default:
      return undefined;
  }
}
