import { createRequire } from 'node:module';
import type { ELK, ELKConstructorArguments, ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api.js';
import type { LineageEdge, LineageGraph, LineageNode } from './graph.ts';

export interface Point {
  x: number;
  y: number;
}

export interface PlacedNode extends LineageNode {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PlacedEdge extends LineageEdge {
  points: Point[];
}

export interface LineageLayout {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

// elkjs is CommonJS (module.exports = the constructor), which its typings describe as a default export.
const Elk = createRequire(import.meta.url)('elkjs/lib/elk.bundled.js') as new (
  args?: ELKConstructorArguments,
) => ELK;

export const NODE_HEIGHT = 46;
const CHAR_WIDTH = 7;

/** The width a node needs for its label and its kind line (no font metrics on the server: an estimate). */
export function nodeWidth(node: LineageNode): number {
  return Math.min(260, Math.max(110, 24 + CHAR_WIDTH * Math.max(node.label.length, node.kind.length + 4)));
}

/** Layered left-to-right layout (ELK's layered algorithm): data → tasks → model. */
export async function layoutLineage(graph: LineageGraph): Promise<LineageLayout> {
  const elk = new Elk();
  const input: ElkNode = {
    id: 'lineage',
    layoutOptions: {
      'elk.algorithm': 'layered',
      'elk.direction': 'RIGHT',
      'elk.edgeRouting': 'ORTHOGONAL',
      'elk.layered.spacing.nodeNodeBetweenLayers': '60',
      'elk.spacing.nodeNode': '22',
      'elk.padding': '[top=16,left=16,bottom=16,right=16]',
      'elk.layered.nodePlacement.strategy': 'BRANDES_KOEPF',
    },
    children: graph.nodes.map((node) => ({ id: node.id, width: nodeWidth(node), height: NODE_HEIGHT })),
    edges: graph.edges.map((edge, index) => ({
      id: `e${index}`,
      sources: [edge.source],
      targets: [edge.target],
    })),
  };
  const laid = await elk.layout(input);
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const nodes = (laid.children ?? []).flatMap((child: ElkNode): PlacedNode[] => {
    const node = byId.get(child.id);
    return node
      ? [{ ...node, x: child.x ?? 0, y: child.y ?? 0, width: child.width ?? 0, height: child.height ?? 0 }]
      : [];
  });
  const edges = graph.edges.map((edge, index): PlacedEdge => {
    const section = (laid.edges?.[index] as ElkExtendedEdge | undefined)?.sections?.[0];
    const points = section ? [section.startPoint, ...(section.bendPoints ?? []), section.endPoint] : [];
    return { ...edge, points };
  });
  return { width: laid.width ?? 0, height: laid.height ?? 0, nodes, edges };
}
