import type sparqljs from 'sparqljs';

// Facts read off a parsed operation, walking its whole tree (sub-queries, EXISTS, nested groups), so that
// no layer has to look at the text again.

type Node = Record<string, unknown>;

/** Every object in a parsed tree, without recursion (an operator chain nests one level per operator). */
function* nodes(root: unknown): Generator<Node> {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value !== 'object' || value === null) continue;
    if (!Array.isArray(value)) yield value as Node;
    // Reversed onto the stack, so nodes come in the order a recursive walk gives (first SERVICE first).
    const children = Object.values(value).filter((child) => typeof child === 'object');
    for (let i = children.length - 1; i >= 0; i--) pending.push(children[i]);
  }
}

/** The SERVICE clauses of a tree: their IRIs, and whether one names its endpoint with a variable. */
export function serviceClauses(tree: unknown): { iris: string[]; any: boolean } {
  const iris: string[] = [];
  let any = false;
  for (const node of nodes(tree)) {
    if (node.type !== 'service' || !Array.isArray(node.patterns)) continue;
    any = true;
    const name = node.name as sparqljs.IriTerm | sparqljs.VariableTerm;
    if (name.termType === 'NamedNode' && !iris.includes(name.value)) iris.push(name.value);
  }
  return { iris, any };
}

/** Whether any GRAPH pattern occurs in a query's WHERE. */
export function usesGraphPattern(where: unknown): boolean {
  for (const node of nodes(where)) if (node.type === 'graph' && Array.isArray(node.patterns)) return true;
  return false;
}

/** Whether an update operation can add quads (INSERT, LOAD, ADD, COPY, MOVE). */
export function mayAdd(operation: sparqljs.UpdateOperation): boolean {
  if ('updateType' in operation) return 'insert' in operation && operation.insert.length > 0;
  return (
    operation.type === 'load' ||
    operation.type === 'add' ||
    operation.type === 'copy' ||
    operation.type === 'move'
  );
}

/**
 * Whether an update operation matches a pattern against the request's default dataset, i.e. has a WHERE
 * (DELETE WHERE, DELETE/INSERT … WHERE) and names no dataset of its own (WITH, USING, USING NAMED).
 */
export function readsDefaultDataset(operation: sparqljs.UpdateOperation): boolean {
  if (!('updateType' in operation)) return false;
  if (operation.updateType === 'deletewhere') return !operation.graph;
  if (operation.updateType !== 'insertdelete') return false;
  return !operation.graph && !operation.using;
}

/**
 * The named graphs an update can change, when every change it makes is to a graph named by IRI (INSERT / DELETE
 * templates in GRAPH <g>, or under WITH <g>); undefined when it may change any graph: a template in the default
 * graph (in union mode a deletion there reaches every graph), a graph given by a variable, CLEAR, DROP, LOAD, ADD,
 * COPY, MOVE or CREATE.
 */
export function graphsWritten(update: sparqljs.Update): string[] | undefined {
  const graphs = new Set<string>();
  for (const operation of update.updates) {
    if (!('updateType' in operation)) return undefined;
    const named = operation.graph;
    const withGraph =
      named && 'termType' in named && named.termType === 'NamedNode' ? named.value : undefined;
    const templates = [
      ...('insert' in operation ? (operation.insert ?? []) : []),
      ...('delete' in operation ? (operation.delete ?? []) : []),
    ];
    for (const quads of templates) {
      if (quads.type === 'graph' && quads.name.termType === 'NamedNode') graphs.add(quads.name.value);
      else if (quads.type === 'bgp' && withGraph !== undefined) graphs.add(withGraph);
      else return undefined;
    }
  }
  return [...graphs];
}

/** A DELETE WHERE's quad patterns as the WHERE they also are. */
export const asPatterns = (quads: sparqljs.Quads[]): sparqljs.Pattern[] =>
  quads.map((quad) =>
    quad.type === 'bgp'
      ? quad
      : ({
          type: 'graph',
          name: quad.name,
          patterns: [{ type: 'bgp', triples: quad.triples }],
        } as sparqljs.GraphPattern),
  );

/** Whether a parsed tree holds a quoted triple term (`<< … >>`) anywhere (walked with an explicit stack). */
export function holdsQuotedTriple(tree: unknown): boolean {
  const stack: unknown[] = [tree];
  for (let value = stack.pop(); value !== undefined; value = stack.pop()) {
    if (typeof value !== 'object' || value === null) continue;
    if ((value as { termType?: unknown }).termType === 'Quad') return true;
    stack.push(...(Array.isArray(value) ? value : Object.values(value)));
  }
  return false;
}
