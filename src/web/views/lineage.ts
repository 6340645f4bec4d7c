import { catalogRows, getJson, getText, queryString } from '../api.ts';
import { errorBox, h, shortName } from '../dom.ts';

interface LineageNode {
  id: string;
  kind: string;
  label: string;
  location?: string;
  execution?: string;
}

interface LineageGraph {
  model: string;
  nodes: LineageNode[];
  edges: Array<{ source: string; target: string; relation: string }>;
}

/** A model's lineage, drawn by the server (ELK layout, SVG) and made clickable here. */
export function renderLineage(container: HTMLElement, params: URLSearchParams): undefined {
  const picker = h('select', { name: 'model', 'aria-label': 'Model' });
  const download = h('a', { class: 'download' }, 'SVG');
  const picture = h('div', { class: 'lineage-picture' }, 'Loading…');
  const details = h('aside', { class: 'details' }, h('p', {}, 'Click a node for its details.'));
  container.append(
    h('h1', {}, 'Model lineage'),
    h('div', { class: 'filters' }, h('label', {}, 'Model ', picker), download),
    h('div', { class: 'lineage' }, picture, details),
  );
  picker.addEventListener('change', () => {
    location.hash = `#/lineage${queryString({ model: picker.value })}`;
  });
  catalogRows('models')
    .then(async (models) => {
      const model = params.get('model') ?? models.at(-1)?.model;
      for (const row of models)
        picker.append(
          h('option', { value: row.model, selected: row.model === model }, row.name ?? shortName(row.model)),
        );
      if (!model) {
        picture.textContent = 'No model recorded yet.';
        return;
      }
      const url = `/api/v1/lineage${queryString({ model })}`;
      download.setAttribute('href', `${url}&format=svg`);
      download.setAttribute('download', `lineage-${shortName(model)}.svg`);
      const [svgText, graph] = await Promise.all([getText(url, 'image/svg+xml'), getJson<LineageGraph>(url)]);
      const svg = new DOMParser().parseFromString(svgText, 'image/svg+xml').documentElement;
      picture.replaceChildren(document.importNode(svg, true));
      const byId = new Map(graph.nodes.map((node) => [node.id, node]));
      for (const element of picture.querySelectorAll<SVGGElement>('g.node')) {
        element.addEventListener('click', () => {
          for (const other of picture.querySelectorAll('g.node.selected')) other.classList.remove('selected');
          element.classList.add('selected');
          const node = byId.get(element.dataset.id ?? '');
          if (node) details.replaceChildren(nodeDetails(node, graph));
        });
      }
      container.dataset.nodes = String(graph.nodes.length);
      container.dataset.ready = 'true';
    })
    .catch((error: unknown) => picture.replaceChildren(errorBox(error)));
  return undefined;
}

function nodeDetails(node: LineageNode, graph: LineageGraph): HTMLElement {
  const label = (id: string): string => graph.nodes.find((n) => n.id === id)?.label ?? shortName(id);
  const inputs = graph.edges
    .filter((e) => e.target === node.id)
    .map((e) => `${label(e.source)} (${e.relation})`);
  const outputs = graph.edges
    .filter((e) => e.source === node.id)
    .map((e) => `${label(e.target)} (${e.relation})`);
  const rows: Array<[string, string | Node | undefined]> = [
    [
      'IRI',
      node.id.startsWith('http')
        ? h('a', { href: node.id, target: '_blank', rel: 'noopener' }, node.id)
        : node.id,
    ],
    ['kind', node.kind],
    ['location', node.location],
    [
      'workflow execution',
      node.execution
        ? h(
            'a',
            { href: `#/compare${queryString({ execution: node.execution })}` },
            shortName(node.execution),
          )
        : undefined,
    ],
    ['from', inputs.join(', ') || undefined],
    ['to', outputs.join(', ') || undefined],
  ];
  return h(
    'div',
    { 'data-node': node.id },
    h('h2', {}, node.label),
    h(
      'dl',
      {},
      ...rows.filter(([, v]) => v !== undefined).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v ?? '')]),
    ),
  );
}
