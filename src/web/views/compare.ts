import { catalogRows, getJson, queryString, type Row, type RunsPage } from '../api.ts';
import { COLOURS, lineChart, type Series } from '../chart.ts';
import { errorBox, formatNumber, h, shortName } from '../dom.ts';
import { watchRuns } from '../live.ts';
import { parallelCoordinates, type RunValues } from '../parallel.ts';

const STAGES = ['training', 'validation'] as const;

/**
 * Run comparison: a measure per epoch for the chosen runs, training and validation side by side, and their
 * hyperparameters against a chosen final metric (parallel coordinates and a table). Live while open: redrawn
 * when the server signals that one of the runs was written to (or, without the stream, every 2 s).
 */
export function renderCompare(container: HTMLElement, params: URLSearchParams): () => void {
  const measure = params.get('measure') ?? 'loss';
  const picker = h(
    'select',
    { name: 'measure', 'aria-label': 'Measure' },
    ...['loss', 'accuracy'].map((m) => h('option', { value: m, selected: m === measure }, m)),
  );
  picker.addEventListener('change', () => {
    location.hash = `#/compare${queryString({ execution: params.getAll('execution'), measure: picker.value })}`;
  });
  const live = h('span', { class: 'live', 'data-live': 'idle' }, '');
  const charts = h('div', { class: 'charts' });
  const values = hyperparameterView(params.get('metric') ?? '', measure);
  container.append(
    h('h1', {}, 'Run comparison'),
    h('div', { class: 'filters' }, h('label', {}, 'Measure ', picker), live),
    charts,
    values.element,
  );
  let stopped = false;
  let stopLive = (): void => undefined;
  let drawn = '';
  const drawCharts = async (executions: string[]): Promise<void> => {
    try {
      const rows = await catalogRows('measure-per-epoch', { measure, execution: executions });
      const key = JSON.stringify(rows);
      if (key === drawn || stopped) return;
      drawn = key;
      charts.replaceChildren(
        ...STAGES.map((stage) =>
          lineChart(`${measure} (${stage})`, 'epoch', seriesOf(rows, stage, executions)),
        ),
      );
      live.textContent = `updated ${new Date().toLocaleTimeString()}`;
      container.dataset.updates = String(Number(container.dataset.updates ?? 0) + 1);
    } catch (error) {
      charts.replaceChildren(errorBox(error));
    }
  };
  chosenRuns(params)
    .then(async (executions) => {
      container.dataset.executions = String(executions.length);
      const refresh = async (): Promise<void> => {
        await drawCharts(executions);
        if (!stopped) await values.update(executions);
      };
      await refresh();
      container.dataset.ready = 'true';
      if (stopped || executions.length === 0) return;
      stopLive = watchRuns(executions, refresh, {
        mode: (mode) => {
          live.dataset.live = mode;
        },
        signal: () => {
          container.dataset.signals = String(Number(container.dataset.signals ?? 0) + 1);
        },
      });
    })
    .catch((error: unknown) => container.append(errorBox(error)));
  return () => {
    stopped = true;
    stopLive();
  };
}

/** The runs named in the URL, else the runs of the most recent experiment. */
async function chosenRuns(params: URLSearchParams): Promise<string[]> {
  const named = params.getAll('execution');
  if (named.length > 0) return named;
  const page = await getJson<RunsPage>('/api/v1/runs?limit=100&sort=started&order=desc');
  const experiment = page.runs.find((run) => run.experiment)?.experiment;
  return page.runs
    .filter((run) => run.experiment === experiment)
    .map((run) => run.execution)
    .reverse();
}

function seriesOf(rows: Row[], stage: string, executions: string[]): Series[] {
  return executions.map((execution) => ({
    label: shortName(execution),
    points: rows
      .filter((row) => row.execution === execution && row.measuredIn === stage)
      .map((row): [number, number] => [Number(row.epoch), Number(row.value)]),
  }));
}

/** A final metric's name as the runs table shows it: "loss (evaluation)", or the bare name without a stage. */
const metricKey = (row: Row): string => (row.stage ? `${row.name} (${row.stage})` : (row.name ?? ''));

/**
 * Hyperparameters against a chosen final metric: parallel coordinates and a table of the same values. The
 * metric is picked from those the runs have (by default the measure's evaluation); picking redraws both.
 */
function hyperparameterView(
  wanted: string,
  measure: string,
): { element: HTMLElement; update: (executions: string[]) => Promise<void> } {
  const metricPicker = h('select', { name: 'metric', 'aria-label': 'Metric' });
  const picture = h('div', { class: 'parallel-wrap' });
  const table = h('div', { class: 'table-wrap' });
  const element = h(
    'section',
    { class: 'hyperparameters-view' },
    h('h2', {}, 'Hyperparameters against a final metric'),
    h('div', { class: 'filters' }, h('label', {}, 'Metric ', metricPicker)),
    picture,
    table,
  );
  let executions: string[] = [];
  let rows: Row[] = [];
  let drawn = '';
  const draw = (): void => {
    const names = [
      ...new Set(rows.filter((r) => r.kind === 'hyperparameter').map((r) => r.name ?? '')),
    ].sort();
    const metric = metricPicker.value;
    const runs: RunValues[] = executions.map((execution) => {
      const own = rows.filter((r) => r.execution === execution);
      const values: Record<string, string | undefined> = {};
      for (const row of own)
        if (row.kind === 'hyperparameter') values[row.name ?? ''] = row.value;
        else if (metricKey(row) === metric) values[metric] = row.value;
      return { execution, values };
    });
    picture.replaceChildren(parallelCoordinates(names, metric, runs));
    table.replaceChildren(valuesTable(names, metric, runs));
    element.dataset.metric = metric;
  };
  metricPicker.addEventListener('change', () => {
    wanted = metricPicker.value;
    draw();
  });
  const update = async (chosen: string[]): Promise<void> => {
    executions = chosen;
    if (executions.length === 0) {
      table.replaceChildren(h('p', {}, 'No runs chosen.'));
      return;
    }
    rows = await catalogRows('run-values', { execution: executions });
    const key = JSON.stringify(rows);
    if (key === drawn) return;
    drawn = key;
    const metrics = [...new Set(rows.filter((r) => r.kind === 'metric').map(metricKey))].sort();
    const chosenMetric =
      [wanted, `${measure} (evaluation)`].find((m) => metrics.includes(m)) ??
      metrics.find((m) => m.startsWith(`${measure} `) || m === measure) ??
      metrics[0] ??
      '';
    metricPicker.replaceChildren(
      ...metrics.map((m) => h('option', { value: m, selected: m === chosenMetric }, m)),
    );
    metricPicker.value = chosenMetric;
    draw();
  };
  return { element, update };
}

function valuesTable(names: string[], metric: string, runs: RunValues[]): HTMLElement {
  return h(
    'table',
    { class: 'hyperparameters' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'Run'), ...[...names, metric].filter(Boolean).map((n) => h('th', {}, n))),
    ),
    h(
      'tbody',
      {},
      ...runs.map((run, order) =>
        h(
          'tr',
          { 'data-execution': run.execution },
          h(
            'td',
            { title: run.execution },
            h('span', { class: 'swatch', style: `background:${COLOURS[order % COLOURS.length]}` }),
            shortName(run.execution),
          ),
          ...[...names, metric].filter(Boolean).map((n) => h('td', {}, formatNumber(run.values[n]))),
        ),
      ),
    ),
  );
}
