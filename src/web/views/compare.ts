import { catalogRows, getJson, queryString, type Row, type RunsPage } from '../api.ts';
import { lineChart, type Series } from '../chart.ts';
import { errorBox, formatNumber, h, shortName } from '../dom.ts';

const POLL_MS = 2000;
const STAGES = ['training', 'validation'] as const;

/**
 * Run comparison: a measure per epoch for the chosen runs, training and validation side by side, and their
 * hyperparameters against the measure's final value. Polls while open, so a running training's curves grow.
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
  const table = h('div', { class: 'table-wrap' });
  container.append(
    h('h1', {}, 'Run comparison'),
    h('div', { class: 'filters' }, h('label', {}, 'Measure ', picker), live),
    charts,
    h('h2', {}, `Hyperparameters and final ${measure}`),
    table,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  let drawn = '';
  const tick = async (executions: string[]): Promise<void> => {
    try {
      const rows = await catalogRows('measure-per-epoch', { measure, execution: executions });
      const key = JSON.stringify(rows);
      if (key !== drawn && !stopped) {
        drawn = key;
        charts.replaceChildren(
          ...STAGES.map((stage) =>
            lineChart(`${measure} (${stage})`, 'epoch', seriesOf(rows, stage, executions)),
          ),
        );
        live.textContent = `updated ${new Date().toLocaleTimeString()}`;
        container.dataset.updates = String(Number(container.dataset.updates ?? 0) + 1);
      }
    } catch (error) {
      charts.replaceChildren(errorBox(error));
    }
    if (!stopped) timer = setTimeout(() => void tick(executions), POLL_MS);
  };
  chosenRuns(params)
    .then(async (executions) => {
      container.dataset.executions = String(executions.length);
      await tick(executions);
      table.append(await hyperparameterTable(executions, measure));
      container.dataset.ready = 'true';
    })
    .catch((error: unknown) => container.append(errorBox(error)));
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
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

async function hyperparameterTable(executions: string[], measure: string): Promise<HTMLElement> {
  if (executions.length === 0) return h('p', {}, 'No runs chosen.');
  const rows = await catalogRows('run-values', { execution: executions });
  const names = [...new Set(rows.filter((r) => r.kind === 'hyperparameter').map((r) => r.name ?? ''))].sort();
  const final = (execution: string): string => {
    const values = rows.filter((r) => r.execution === execution && r.kind === 'metric' && r.name === measure);
    return formatNumber((values.find((r) => r.stage === 'evaluation') ?? values[0])?.value);
  };
  return h(
    'table',
    { class: 'hyperparameters' },
    h(
      'thead',
      {},
      h('tr', {}, h('th', {}, 'Run'), ...names.map((n) => h('th', {}, n)), h('th', {}, `final ${measure}`)),
    ),
    h(
      'tbody',
      {},
      ...executions.map((execution) =>
        h(
          'tr',
          { 'data-execution': execution },
          h('td', { title: execution }, shortName(execution)),
          ...names.map((n) =>
            h(
              'td',
              {},
              formatNumber(
                rows.find((r) => r.execution === execution && r.kind === 'hyperparameter' && r.name === n)
                  ?.value,
              ),
            ),
          ),
          h('td', {}, final(execution)),
        ),
      ),
    ),
  );
}
