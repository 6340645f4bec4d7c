import { BadRequestError } from '../../errors.ts';
import { type GraphTerm, type QuadData, termToNTriples } from '../../rdf/index.ts';
import { REMOTE_DEFAULT_GRAPH } from '../../vocab.ts';

// What the outbox holds: writes already turned into N-Triples per target graph, so delivery needs
// no parsing and a record means the same thing after a restart.

export interface GraphTriples {
  /** IRI of the graph on the engine (provml's default graph is REMOTE_DEFAULT_GRAPH there). */
  graph: string;
  /** N-Triples lines, each ending in "\n". */
  lines: string[];
  /** Blank nodes must reach the engine in one request, or the same label would become two nodes. */
  blank: boolean;
}

export type OutboxWrite =
  | { op: 'insert'; groups: GraphTriples[] }
  | { op: 'replaceGraph'; graph: string; lines: string[]; blank: boolean }
  | { op: 'dropGraph'; graph: string };

/** The graph IRI on the engine for a provml graph term. */
export function engineGraph(graph: GraphTerm): string {
  if (graph.termType === 'DefaultGraph') return REMOTE_DEFAULT_GRAPH;
  if (graph.termType === 'BlankNode')
    throw new BadRequestError('A SPARQL engine cannot name a graph with a blank node: use an IRI.');
  termToNTriples(graph);
  return graph.value;
}

export function groupByGraph(quads: Iterable<QuadData>): GraphTriples[] {
  const groups = new Map<string, GraphTriples>();
  for (const quad of quads) {
    const graph = engineGraph(quad.graph);
    let group = groups.get(graph);
    if (!group) {
      group = { graph, lines: [], blank: false };
      groups.set(graph, group);
    }
    if (quad.subject.termType === 'Quad' || quad.object.termType === 'Quad') {
      throw new BadRequestError('RDF-star triple terms are not supported by the remote SPARQL store.');
    }
    group.lines.push(
      `${termToNTriples(quad.subject)} ${termToNTriples(quad.predicate)} ${termToNTriples(quad.object)} .\n`,
    );
    if (quad.subject.termType === 'BlankNode' || quad.object.termType === 'BlankNode') group.blank = true;
  }
  return [...groups.values()];
}

export function tripleCount(write: OutboxWrite): number {
  if (write.op === 'insert') return write.groups.reduce((n, g) => n + g.lines.length, 0);
  if (write.op === 'replaceGraph') return write.lines.length;
  return 0;
}
