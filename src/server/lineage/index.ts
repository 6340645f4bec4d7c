// The lineage picture of a model: its graph from the catalog, laid out by ELK, drawn as standalone SVG.
export {
  type LineageEdge,
  type LineageGraph,
  type LineageNode,
  lineageGraph,
  type NodeKind,
} from './graph.ts';
export { type LineageLayout, layoutLineage } from './layout.ts';
export { KIND_STYLE, lineageSvg } from './svg.ts';
