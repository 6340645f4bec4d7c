import type { NodeKind } from './graph.ts';
import type { LineageLayout, PlacedEdge, PlacedNode } from './layout.ts';

/** Fill and stroke per kind, in the three groups of PROV-ML's figure (learning data, learning, model) plus data curation. */
export const KIND_STYLE: Record<NodeKind, { fill: string; stroke: string; caption: string }> = {
  raw: { fill: '#eceff1', stroke: '#607d8b', caption: 'raw data' },
  domain: { fill: '#efebe9', stroke: '#795548', caption: 'domain data' },
  entity: { fill: '#f3e5f5', stroke: '#8e24aa', caption: 'domain entity' },
  training: { fill: '#e8f5e9', stroke: '#2e7d32', caption: 'training data' },
  validation: { fill: '#e8f5e9', stroke: '#2e7d32', caption: 'validation data' },
  test: { fill: '#e8f5e9', stroke: '#2e7d32', caption: 'test data' },
  learning: { fill: '#e8f5e9', stroke: '#2e7d32', caption: 'learning data' },
  data: { fill: '#fafafa', stroke: '#9e9e9e', caption: 'data' },
  task: { fill: '#e3f2fd', stroke: '#1565c0', caption: 'task' },
  model: { fill: '#fff3e0', stroke: '#ef6c00', caption: 'model' },
};

const escapeXml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

const STYLE = `
  .node text { font: 12px "DejaVu Sans", Verdana, sans-serif; fill: #212121; }
  .node text.kind { font-size: 10px; fill: #616161; }
  .edge { fill: none; stroke: #90a4ae; stroke-width: 1.4; }
  .edge.derived, .edge.domainEntity { stroke-dasharray: 5 3; }
  .node { cursor: pointer; }
  .node.selected rect { stroke-width: 3; }`;

function trim(text: string, width: number): string {
  const max = Math.floor((width - 16) / 7);
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

function nodeSvg(node: PlacedNode): string {
  const style = KIND_STYLE[node.kind] ?? KIND_STYLE.data;
  const radius = node.kind === 'task' ? 18 : 4;
  return [
    `<g class="node ${node.kind}" data-id="${escapeXml(node.id)}" data-kind="${node.kind}" transform="translate(${node.x},${node.y})">`,
    `<title>${escapeXml(node.id)}</title>`,
    `<rect width="${node.width}" height="${node.height}" rx="${radius}" fill="${style.fill}" stroke="${style.stroke}" stroke-width="1.5"/>`,
    `<text x="${node.width / 2}" y="19" text-anchor="middle">${escapeXml(trim(node.label, node.width))}</text>`,
    `<text class="kind" x="${node.width / 2}" y="35" text-anchor="middle">${escapeXml(style.caption)}</text>`,
    '</g>',
  ].join('');
}

function edgeSvg(edge: PlacedEdge): string {
  if (edge.points.length < 2) return '';
  const d = edge.points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  return `<path class="edge ${edge.relation}" d="${d}" marker-end="url(#arrow)"><title>${edge.relation}</title></path>`;
}

/** A standalone SVG document of the laid-out lineage (fonts named, styles inline, nothing fetched). */
export function lineageSvg(layout: LineageLayout, title: string): string {
  const width = Math.ceil(layout.width);
  const height = Math.ceil(layout.height);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" class="lineage" role="img">`,
    `<title>${escapeXml(title)}</title>`,
    `<style>${STYLE}</style>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#90a4ae"/></marker></defs>',
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...layout.edges.map(edgeSvg),
    ...layout.nodes.map(nodeSvg),
    '</svg>',
    '',
  ].join('\n');
}
