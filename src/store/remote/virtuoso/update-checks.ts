import type sparqljs from 'sparqljs';
import { BadRequestError } from '../../../errors.ts';

// Virtuoso runs a request's operations one after another and keeps what ran before a failing one, and fails
// where SPARQL 1.1 does not: DROP GRAPH of a graph it holds but was never CREATEd ("SPARUL_DROP() failed:
// graph has not been explicitly created before"). So what SPARQL 1.1 says must fail is decided here, from the
// parse and the graphs the store holds, before anything is sent; what is sent then cannot fail half-way.

type GraphState = 'present' | 'absent' | 'unknown';

export interface GraphFacts {
  /** Whether the store holds this (user) graph now. */
  holds: (iri: string) => Promise<boolean>;
  /** False for the engine's own graphs: to a client they do not exist, and no update may drop them. */
  isUserGraph: (iri: string) => boolean;
}

/**
 * The update with every DROP, CLEAR and CREATE that cannot fail made SILENT, after refusing (400, nothing
 * sent) one that SPARQL 1.1 says fails: without SILENT, DROP or CLEAR of a named graph the store does not
 * hold at that point of the request, CREATE of one it holds. A graph an earlier operation of the request may
 * or may not have written is given the benefit of the doubt (SILENT): the request is then never left
 * half-applied, at the cost of not failing. DROP or CLEAR SILENT of an engine graph is left out.
 */
export async function settleGraphManagement(
  parsed: sparqljs.Update,
  facts: GraphFacts,
): Promise<sparqljs.Update> {
  if (!parsed.updates.some(isGraphManagement)) return parsed;
  const states = new Map<string, GraphState>();
  let everyGraph: GraphState | undefined;
  const stateOf = async (iri: string): Promise<GraphState> => {
    if (!facts.isUserGraph(iri)) return 'absent';
    const known = states.get(iri) ?? everyGraph;
    if (known) return known;
    const held: GraphState = (await facts.holds(iri)) ? 'present' : 'absent';
    states.set(iri, held);
    return held;
  };
  const updates: sparqljs.UpdateOperation[] = [];
  for (const operation of parsed.updates) {
    if (isGraphManagement(operation)) {
      const settled = await settle(operation, stateOf, facts);
      if (settled) updates.push(settled);
      const name = operation.graph.name?.value;
      const after: GraphState = operation.type === 'drop' ? 'absent' : 'present';
      if (name !== undefined) states.set(name, after);
      else if ('all' in operation.graph && (operation.graph.all || operation.graph.named)) {
        states.clear();
        everyGraph = operation.type === 'drop' ? 'absent' : 'unknown';
      }
      continue;
    }
    updates.push(operation);
    const written = graphsCreated(operation);
    if (written === 'any') {
      states.clear();
      everyGraph = 'unknown';
    } else for (const [iri, state] of written) states.set(iri, state);
  }
  return { ...parsed, updates };
}

async function settle(
  operation: GraphManagement,
  stateOf: (iri: string) => Promise<GraphState>,
  facts: GraphFacts,
): Promise<GraphManagement | undefined> {
  const name = operation.graph.name?.value;
  // DEFAULT always exists; ALL and NAMED are expanded into SILENT operations on each user graph.
  if (name === undefined) return { ...operation, silent: true };
  if (operation.silent) return facts.isUserGraph(name) || operation.type === 'create' ? operation : undefined;
  const state = await stateOf(name);
  const verb = operation.type.toUpperCase();
  if (operation.type === 'create' ? state === 'present' || !facts.isUserGraph(name) : state === 'absent')
    throw new BadRequestError(
      operation.type === 'create'
        ? `CREATE GRAPH <${name}> failed: the graph already exists (SPARQL 1.1 Update: CREATE of an existing graph fails unless SILENT); nothing was executed.`
        : `${verb} GRAPH <${name}> failed: the store holds no such graph (SPARQL 1.1 Update: ${verb} of a graph that does not exist fails unless SILENT); nothing was executed. Add SILENT to ignore a missing graph.`,
    );
  return { ...operation, silent: true };
}

/** The graphs an operation may bring into being: known ones by IRI, or 'any' (a graph given by a variable). */
function graphsCreated(operation: sparqljs.UpdateOperation): Map<string, GraphState> | 'any' {
  const created = new Map<string, GraphState>();
  if ('updateType' in operation) {
    const inserts = 'insert' in operation ? operation.insert : [];
    // INSERT DATA writes its quads; a template writes only what its WHERE finds.
    const state: GraphState = operation.updateType === 'insert' ? 'present' : 'unknown';
    const withGraph = operation.graph && 'termType' in operation.graph ? operation.graph : undefined;
    for (const quads of inserts) {
      const graph = quads.type === 'graph' ? quads.name : withGraph;
      if (graph === undefined) continue;
      if (graph.termType !== 'NamedNode') return 'any';
      if (quads.triples.length > 0) created.set(graph.value, state);
    }
    return created;
  }
  switch (operation.type) {
    case 'load':
      if (operation.destination) created.set(operation.destination.value, 'unknown');
      return created;
    case 'add':
    case 'copy':
    case 'move': {
      const { destination, source } = operation;
      if (destination.name) created.set(destination.name.value, 'unknown');
      if (operation.type === 'move' && source.name) created.set(source.name.value, 'absent');
      return created;
    }
    default:
      return created;
  }
}

type GraphManagement = sparqljs.ClearDropOperation | sparqljs.CreateOperation;

const isGraphManagement = (operation: sparqljs.UpdateOperation): operation is GraphManagement =>
  'type' in operation &&
  (operation.type === 'clear' || operation.type === 'drop' || operation.type === 'create');
