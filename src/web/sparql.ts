import './sparql.css';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { type CatalogQuery, getJson, getText, queryString } from './api.ts';
import { errorBox, h } from './dom.ts';

// The few parts of Yasgui's API used here (it is loaded as a classic script: yasgui.min.js from the package).
interface YasrBinding {
  value: string;
  type: string;
  datatype?: string;
}
interface Yasr {
  results?: { getVariables(): string[]; getBindings(): Array<Record<string, YasrBinding>> };
  resultsEl: HTMLElement;
}
interface Tab {
  setQuery(query: string): void;
  query(): Promise<unknown>;
}
interface YasguiInstance {
  getTab(): Tab;
  on(event: 'queryResponse', listener: () => void): void;
}
interface YasguiClass {
  new (element: HTMLElement, config: Record<string, unknown>): YasguiInstance;
  Yasr: { registerPlugin(name: string, plugin: unknown): void };
}
declare global {
  interface Window {
    Yasgui: YasguiClass & { default?: YasguiClass };
  }
}

const NUMERIC = /#(integer|decimal|double|float|long|int|short|nonNegativeInteger|positiveInteger)$/;

/** A Yasr plugin: the results as a line chart (uPlot) when one column is numeric and an x column is too. */
class ChartPlugin {
  priority = 5;
  label = 'Chart';
  constructor(private readonly yasr: Yasr) {}
  private columns(): { x: string; ys: string[]; group?: string } | undefined {
    const results = this.yasr.results;
    if (!results) return undefined;
    const bindings = results.getBindings();
    const vars = results.getVariables();
    const numeric = vars.filter(
      (v) => bindings.length > 0 && bindings.every((b) => !b[v] || NUMERIC.test(b[v].datatype ?? '')),
    );
    if (numeric.length < 2 && !(numeric.length === 1 && bindings.length > 1)) return undefined;
    const x =
      numeric.find((v) => /epoch|index|step|x/i.test(v)) ?? (numeric.length > 1 ? numeric[0] : undefined);
    const ys = numeric.filter((v) => v !== x);
    if (ys.length === 0) return undefined;
    const group = vars.find((v) => /^(run|execution|model|series)$/.test(v));
    return { x: x ?? '', ys, ...(group ? { group } : {}) };
  }
  canHandleResults(): boolean {
    return this.columns() !== undefined;
  }
  getIcon(): Element {
    const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    svg.setAttribute('viewBox', '0 0 16 16');
    svg.setAttribute('width', '14');
    svg.setAttribute('height', '14');
    const line = document.createElementNS('http://www.w3.org/2000/svg', 'polyline');
    line.setAttribute('points', '1,14 5,8 9,10 15,2');
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', 'currentColor');
    line.setAttribute('stroke-width', '2');
    svg.append(line);
    return svg;
  }
  draw(): void {
    const columns = this.columns();
    const bindings = this.yasr.results?.getBindings() ?? [];
    if (!columns) return;
    const y = columns.ys[0] ?? '';
    const xOf = (b: Record<string, YasrBinding>, i: number): number =>
      columns.x ? Number(b[columns.x]?.value) : i;
    const groups = new Map<string, Array<[number, number]>>();
    bindings.forEach((b, i) => {
      const key = columns.group ? (b[columns.group]?.value ?? '') : y;
      const value = Number(b[y]?.value);
      if (Number.isFinite(value)) groups.set(key, [...(groups.get(key) ?? []), [xOf(b, i), value]]);
    });
    const xs = [...new Set([...groups.values()].flatMap((p) => p.map(([x]) => x)))].sort((a, b) => a - b);
    const data: uPlot.AlignedData = [
      xs,
      ...[...groups.values()].map((p) => xs.map((x) => new Map(p).get(x) ?? null)),
    ];
    const el = h('div', { class: 'yasr-chart', 'data-series': groups.size });
    this.yasr.resultsEl.replaceChildren(el);
    new uPlot(
      {
        width: Math.max(400, this.yasr.resultsEl.clientWidth - 20),
        height: 320,
        scales: { x: { time: false } },
        axes: [{ label: columns.x || 'row', incrs: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] }, {}],
        series: [
          { label: columns.x || 'row' },
          ...[...groups.keys()].map((key, i) => ({
            label: key.replace(/^.*[/#]/, ''),
            stroke: ['#1565c0', '#ef6c00', '#2e7d32', '#c62828', '#6a1b9a'][i % 5],
            width: 2,
            points: { show: true },
          })),
        ],
      },
      data,
      el,
    );
  }
}

function catalogPanel(panel: HTMLElement, yasgui: YasguiInstance, queries: CatalogQuery[]): void {
  panel.append(
    h('h2', {}, 'Catalog'),
    h('p', {}, 'Choose an analysis, fill in its parameters, load it into the editor.'),
  );
  for (const query of queries.filter((q) => !q.federated)) {
    const inputs = query.params.map((param) =>
      h('input', {
        name: param.name,
        placeholder: `${param.name} (${param.type}${param.required ? '' : ', optional'})`,
        title: param.description,
        required: param.required,
      }),
    );
    const form = h(
      'form',
      { class: 'catalog-query', 'data-query': query.name },
      h(
        'details',
        {},
        h('summary', {}, query.name),
        h('p', { class: 'purpose' }, query.description),
        ...inputs,
        h('button', { type: 'submit' }, 'Load and run'),
      ),
    );
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const params = Object.fromEntries(inputs.map((input) => [input.name, input.value.trim()]));
      getText(
        `/api/v1/queries/${encodeURIComponent(query.name)}/text${queryString(params)}`,
        'application/sparql-query',
      )
        .then((text) => {
          const tab = yasgui.getTab();
          tab.setQuery(text);
          return tab.query();
        })
        .catch((error: unknown) => form.append(errorBox(error)));
    });
    panel.append(form);
  }
}

function start(): void {
  const Yasgui = window.Yasgui.default ?? window.Yasgui;
  Yasgui.Yasr.registerPlugin('chart', ChartPlugin);
  const element = document.getElementById('yasgui');
  const panel = document.getElementById('catalog');
  if (!element || !panel) return;
  const yasgui = new Yasgui(element, {
    requestConfig: { endpoint: `${location.origin}/sparql`, method: 'POST' },
    copyEndpointOnNewTab: false,
    endpointCatalogueOptions: { getData: () => [{ endpoint: `${location.origin}/sparql` }] },
    persistenceId: null,
    yasqe: { autocompleters: ['variables'] },
    yasr: {
      pluginOrder: ['table', 'chart', 'response'],
      prefixes: {
        id: 'https://w3id.org/provml/id/',
        provml: 'https://w3id.org/provml#',
        prov: 'http://www.w3.org/ns/prov#',
        xsd: 'http://www.w3.org/2001/XMLSchema#',
      },
    },
  });
  yasgui.on('queryResponse', () => {
    document.body.dataset.responses = String(Number(document.body.dataset.responses ?? 0) + 1);
  });
  getJson<{ queries: CatalogQuery[] }>('/api/v1/queries')
    .then((catalog) => {
      catalogPanel(panel, yasgui, catalog.queries);
      document.body.dataset.ready = 'true';
    })
    .catch((error: unknown) => panel.append(errorBox(error)));
}

start();
