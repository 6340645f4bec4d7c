import { getJson, queryString, type RunRecord, type RunsPage } from '../api.ts';
import { errorBox, formatDuration, formatNumber, formatTime, h, shortName } from '../dom.ts';

const PAGE_SIZE = 50;
const SORTABLE: Array<[string, string]> = [
  ['execution', 'Run'],
  ['workflow', 'Workflow'],
  ['experimentName', 'Experiment'],
  ['status', 'Status'],
  ['user', 'User'],
  ['host', 'Host'],
  ['started', 'Started'],
  ['duration', 'Duration'],
];

interface State {
  offset: number;
  sort: string;
  order: 'asc' | 'desc';
  status: string;
  text: string;
  experiment: string;
}

function stateOf(params: URLSearchParams): State {
  return {
    offset: Math.max(0, Number(params.get('offset') ?? 0) || 0),
    sort: params.get('sort') ?? 'started',
    order: params.get('order') === 'asc' ? 'asc' : 'desc',
    status: params.get('status') ?? '',
    text: params.get('text') ?? '',
    experiment: params.get('experiment') ?? '',
  };
}

function go(state: State): void {
  location.hash = `#/runs${queryString({ ...state, offset: String(state.offset) })}`;
}

/** Experiments and their runs: one server-side page at a time, sorted and filtered by the server. */
export function renderRuns(container: HTMLElement, params: URLSearchParams): () => void {
  const state = stateOf(params);
  const selected = new Set<string>();
  const status = h(
    'select',
    { name: 'status', 'aria-label': 'Status' },
    ...['', 'running', 'finished', 'failed'].map((value) =>
      h('option', { value, selected: value === state.status }, value || 'any status'),
    ),
  );
  const text = h('input', {
    type: 'search',
    name: 'text',
    placeholder: 'run, workflow, user or host',
    value: state.text,
  });
  const compare = h('button', { type: 'button', disabled: true }, 'Compare selected');
  const form = h(
    'form',
    { class: 'filters' },
    status,
    text,
    h('button', { type: 'submit' }, 'Filter'),
    compare,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    go({ ...state, offset: 0, status: status.value, text: text.value.trim() });
  });
  status.addEventListener('change', () => go({ ...state, offset: 0, status: status.value }));
  compare.addEventListener('click', () => {
    location.hash = `#/compare${queryString({ execution: [...selected] })}`;
  });
  const summary = h('p', { class: 'summary' }, 'Loading…');
  const table = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'pager' });
  const scope = state.experiment
    ? h(
        'p',
        { class: 'scope' },
        `Experiment ${shortName(state.experiment)} · `,
        h('a', { href: '#/runs' }, 'all runs'),
      )
    : '';
  container.append(h('h1', {}, 'Experiments and runs'), form, scope, summary, table, pager);

  const started = performance.now();
  getJson<RunsPage>(
    `/api/v1/runs${queryString({
      offset: String(state.offset),
      limit: String(PAGE_SIZE),
      sort: state.sort,
      order: state.order,
      status: state.status,
      text: state.text,
      experiment: state.experiment,
    })}`,
  )
    .then((page) => {
      const last = Math.min(page.offset + page.runs.length, page.total);
      summary.textContent =
        page.total === 0 ? 'No runs.' : `Runs ${page.offset + 1}–${last} of ${page.total}`;
      table.append(runsTable(page.runs, state, selected, compare));
      pager.append(
        h('button', { type: 'button', disabled: state.offset === 0, 'data-page': 'previous' }, '← Previous'),
        h('button', { type: 'button', disabled: last >= page.total, 'data-page': 'next' }, 'Next →'),
      );
      pager
        .querySelector('[data-page=previous]')
        ?.addEventListener('click', () => go({ ...state, offset: Math.max(0, state.offset - PAGE_SIZE) }));
      pager
        .querySelector('[data-page=next]')
        ?.addEventListener('click', () => go({ ...state, offset: state.offset + PAGE_SIZE }));
      container.dataset.renderedMs = String(Math.round(performance.now() - started));
      container.dataset.ready = 'true';
    })
    .catch((error: unknown) => summary.replaceWith(errorBox(error)));
  return () => undefined;
}

function runsTable(
  runs: RunRecord[],
  state: State,
  selected: Set<string>,
  compare: HTMLButtonElement,
): HTMLElement {
  const header = h(
    'tr',
    {},
    h('th', {}, ''),
    ...SORTABLE.map(([column, label]) => {
      const active = state.sort === column;
      const th = h(
        'th',
        {
          class: 'sortable',
          'data-sort': column,
          'aria-sort': active ? (state.order === 'asc' ? 'ascending' : 'descending') : undefined,
        },
        label,
        active ? (state.order === 'asc' ? ' ▲' : ' ▼') : '',
      );
      th.addEventListener('click', () =>
        go({ ...state, offset: 0, sort: column, order: active && state.order === 'asc' ? 'desc' : 'asc' }),
      );
      return th;
    }),
    h('th', {}, 'Hyperparameters'),
    h('th', {}, 'Final metrics'),
  );
  const body = h('tbody');
  for (const run of runs) {
    const box = h('input', { type: 'checkbox', 'aria-label': `select ${shortName(run.execution)}` });
    box.addEventListener('change', () => {
      if (box.checked) selected.add(run.execution);
      else selected.delete(run.execution);
      compare.disabled = selected.size === 0;
    });
    body.append(
      h(
        'tr',
        { 'data-execution': run.execution, 'data-status': run.status },
        h('td', {}, box),
        h(
          'td',
          { title: run.execution },
          h('a', { href: `#/compare${queryString({ execution: run.execution })}` }, shortName(run.execution)),
        ),
        h('td', {}, [run.workflow, run.version].filter(Boolean).join(' ')),
        h(
          'td',
          { title: run.experiment ?? '' },
          run.experiment
            ? h(
                'a',
                {
                  href: `#/runs${queryString({ experiment: run.experiment })}`,
                  title: 'only this experiment',
                },
                run.experimentName ?? shortName(run.experiment),
              )
            : '',
        ),
        h('td', {}, h('span', { class: `status ${run.status ?? ''}` }, run.status ?? '')),
        h('td', {}, run.user ?? ''),
        h('td', {}, run.host ?? ''),
        h('td', {}, formatTime(run.started)),
        h('td', {}, formatDuration(run.duration)),
        h('td', { class: 'values' }, pairs(run.hyperparameters)),
        h('td', { class: 'values' }, pairs(run.metrics)),
      ),
    );
  }
  return h('table', { class: 'runs' }, h('thead', {}, header), body);
}

function pairs(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name} = ${formatNumber(value)}`)
    .join(', ');
}
