import 'uplot/dist/uPlot.min.css';
import './style.css';
import { errorBox } from './dom.ts';
import { renderCompare } from './views/compare.ts';
import { renderLineage } from './views/lineage.ts';
import { renderOntology } from './views/ontology.ts';
import { renderRuns } from './views/runs.ts';

/** A view draws into its container and returns what stops it (timers, listeners) when the route changes. */
export type View = (container: HTMLElement, params: URLSearchParams) => (() => void) | undefined;

const VIEWS: Record<string, View> = {
  runs: renderRuns,
  compare: renderCompare,
  lineage: renderLineage,
  ontology: renderOntology,
};

let stop: (() => void) | undefined;

function route(): void {
  const [path = '', query = ''] = location.hash.replace(/^#\/?/, '').split('?');
  const name = VIEWS[path] ? path : 'runs';
  const container = document.getElementById('view');
  if (!container) return;
  stop?.();
  stop = undefined;
  container.replaceChildren();
  for (const key of Object.keys(container.dataset)) delete container.dataset[key];
  container.dataset.view = name;
  for (const link of document.querySelectorAll<HTMLAnchorElement>('header nav a'))
    link.classList.toggle('active', link.dataset.nav === name);
  try {
    stop = VIEWS[name]?.(container, new URLSearchParams(query));
  } catch (error) {
    container.append(errorBox(error));
  }
}

window.addEventListener('hashchange', route);
route();
