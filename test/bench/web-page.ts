// The runs page at scale (not part of npm test): N workflow executions (seeded: experiment, user, host,
// hyperparameters, final metrics, ~4 % running and ~10 % failed) through the real translator into the
// in-memory store, the real app on 127.0.0.1, and Debian's headless chromium opening the runs view.
// Figures, side by side per size: the server's /api/v1/runs page (median of repeats, several sorts) and the
// browser's time from navigation to the table drawn. The target: under 1 s for 10,000 runs. Beside them, the
// two formulations of one page side by side on the store: the old (sort and page the query runs over every
// run) and the new (sort and page the light run-order, then run-details for the page's runs), as a ratio.
// Usage: node --import tsx test/bench/web-page.ts [--sizes 1000,10000] [--repeats 5] [--sorts started,user]
//        [--out file.json] (the API is timed for every sort given; the default adds two that only `runs` has)
import { writeFileSync } from 'node:fs';
import { type CaptureEvent, validateBatch } from '../../src/capture/index.ts';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { bindQuery, packageCatalog, pageQuery, runCatalogQuery } from '../../src/query/index.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { openMemoryStore, selectRows } from '../../src/store/index.ts';
import { translate } from '../../src/translate/index.ts';
import { listenOnLoopback } from '../support/listen.ts';
import { launchChromium } from '../web/browser.ts';
import { Rng } from './generate/index.ts';
import { measuredCommit } from './suite/commit.ts';

const option = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? (process.argv[index + 1] ?? fallback) : fallback;
};
const SIZES = option('--sizes', '1000,10000').split(',').map(Number);
const REPEATS = Number(option('--repeats', '5'));
const OUT = option('--out', '');
const SORTS = option('--sorts', 'started,execution,status,duration,user,workflow').split(',');
const USERS = ['ana', 'bruno', 'carla', 'diego', 'elisa', 'fabio'];

/** Events of `count` training runs: seeded, so every size is the same data cut at a different length. */
export function runEvents(count: number, seed = 20240501): CaptureEvent[] {
  const rng = new Rng(seed);
  const events: unknown[] = [];
  const base = Date.parse('2024-01-01T00:00:00Z');
  let n = 0;
  const event = (type: string, at: number, fields: Record<string, unknown>): void => {
    events.push({ type, schema: 'provml/1', id: `e${n++}`, time: new Date(at).toISOString(), ...fields });
  };
  for (let i = 0; i < count; i++) {
    const execution = `run-${i}`;
    const who = { user: rng.pick(USERS), host: `gpu-node-${rng.int(1, 32)}` };
    const start = base + i * 600_000;
    const experiment = { id: `exp-${i % 40}`, name: `sweep ${i % 40}` };
    event('workflow.started', start, {
      workflowExecutionId: execution,
      name: 'train',
      version: '1',
      experiment,
      ...who,
    });
    event('task.started', start + 1000, {
      workflowExecutionId: execution,
      taskId: 'fit',
      name: 'train-model',
      stage: 'training',
      hyperparameters: {
        learning_rate: rng.pick([0.0001, 0.001, 0.01, 0.1]),
        batch_size: rng.pick([16, 32, 64]),
      },
      ...who,
    });
    const outcome = rng.chance(0.04) ? 'running' : rng.chance(0.1) ? 'failed' : 'finished';
    if (outcome === 'running') continue;
    const end = start + rng.int(60, 7200) * 1000;
    const status = outcome === 'failed' ? { status: 'failed', error: 'diverged' } : { status: 'finished' };
    const metrics =
      outcome === 'finished' ? { metrics: { loss: rng.float(0.1, 1), accuracy: rng.float(0.5, 0.95) } } : {};
    event('task.ended', end - 1000, {
      workflowExecutionId: execution,
      taskId: 'fit',
      name: 'train-model',
      stage: 'training',
      ...status,
      ...metrics,
      ...who,
    });
    event('workflow.ended', end, { workflowExecutionId: execution, ...status, ...who });
  }
  const result = validateBatch(events);
  if (!result.ok) throw new Error(`generated events invalid: ${JSON.stringify(result.errors.slice(0, 3))}`);
  return result.events;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
};
const round = (value: number): number => Math.round(value * 10) / 10;

interface SizeResult {
  runs: number;
  quads: number;
  loadMs: number;
  apiMs: Record<string, number>;
  /** Per sort: [old ms, new ms, old / new] for one page of 50 (medians). */
  formulations: Record<string, [number, number, number]>;
  pageMs: number;
  pageMsMax: number;
  /** The page sorted by a column only `runs` has (it evaluates `runs` over every run): median, max. */
  heavySortPageMs: [number, number];
  rowsShown: number;
}

const LIGHT_SORTS = ['started', 'execution', 'status', 'duration'];

/** Old: the page of `runs` itself. New: the page of `run-order`, then `run-details` of its runs. */
async function formulations(store: ProvStore): Promise<SizeResult['formulations']> {
  const catalog = await packageCatalog();
  const page = (name: string, sort: string): string => {
    const entry = catalog.get(name);
    return pageQuery(bindQuery(entry.query, entry.params, {}), {
      sortBy: sort,
      descending: true,
      offset: 0,
      limit: 50,
    });
  };
  const options = { unionDefaultGraph: true };
  const result: SizeResult['formulations'] = {};
  for (const sort of LIGHT_SORTS) {
    const old: number[] = [];
    const light: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      let t = performance.now();
      const expected = await selectRows(store, page('runs', sort), options);
      old.push(performance.now() - t);
      t = performance.now();
      const keys = await selectRows(store, page('run-order', sort), options);
      const execution = keys.rows.map((row) => row.execution?.value ?? '');
      await runCatalogQuery(store, catalog.get('run-details'), { execution });
      light.push(performance.now() - t);
      const same = expected.rows.map((row) => row.execution?.value).join() === execution.join();
      if (!same) throw new Error(`sort ${sort}: the two formulations gave different pages`);
    }
    result[sort] = [round(median(old)), round(median(light)), round(median(old) / median(light))];
  }
  return result;
}

async function measure(count: number): Promise<SizeResult> {
  const store = await openMemoryStore();
  const loadStart = performance.now();
  const quads = translate(runEvents(count));
  await store.insert(quads);
  const loadMs = performance.now() - loadStart;
  const app = createApp({ store, config: defaultConfig(), logger: silentLogger() });
  const listening = await listenOnLoopback(app);
  const url = listening.url;
  const apiMs: Record<string, number> = {};
  for (const sort of SORTS) {
    const samples: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const t = performance.now();
      const response = await fetch(`${url}/api/v1/runs?limit=50&sort=${sort}&order=desc`);
      if (!response.ok) throw new Error(`runs page: ${response.status} ${await response.text()}`);
      await response.json();
      samples.push(performance.now() - t);
    }
    apiMs[sort] = round(median(samples));
  }
  const compared = await formulations(store);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}/`); // first load builds and caches the bundle: not counted
  await page.waitForSelector('#view[data-ready=true]');
  let rowsShown = 0;
  const timePage = async (sort: string): Promise<number[]> => {
    const samples: number[] = [];
    for (let r = 0; r < REPEATS; r++) {
      const t = performance.now();
      await page.goto(`${url}/?r=${sort}${r}#/runs?sort=${sort}&order=desc`);
      await page.waitForSelector('#view[data-ready=true] table.runs tbody tr');
      samples.push(performance.now() - t);
      rowsShown = await page.$$eval('table.runs tbody tr', (rows) => rows.length);
    }
    return samples;
  };
  const heavySamples = await timePage('user');
  const pageSamples = await timePage('started');
  await browser.close();
  await listening.close();
  await store.close();
  return {
    runs: count,
    quads: quads.length,
    loadMs: round(loadMs),
    apiMs,
    formulations: compared,
    pageMs: round(median(pageSamples)),
    pageMsMax: round(Math.max(...pageSamples)),
    heavySortPageMs: [round(median(heavySamples)), round(Math.max(...heavySamples))],
    rowsShown,
  };
}

async function main(): Promise<void> {
  const results: SizeResult[] = [];
  for (const size of SIZES) {
    process.stderr.write(`runs page: ${size} runs …\n`);
    results.push(await measure(size));
  }
  const first = results[0];
  process.stdout.write(
    `\nruns  quads     ${`api ms (${SORTS.join('/')})`.padEnd(44)}page ms (median, max)  × first size\n`,
  );
  for (const r of results) {
    const api = SORTS.map((s) => r.apiMs[s]).join(' / ');
    const ratio = first ? round(r.pageMs / first.pageMs) : 1;
    process.stdout.write(
      `${String(r.runs).padEnd(6)}${String(r.quads).padEnd(10)}${api.padEnd(Math.max(44, SORTS.join('/').length + 9))}${`${r.pageMs}, ${r.pageMsMax}`.padEnd(23)}${ratio}\n`,
    );
  }
  process.stdout.write(
    '\none page of 50, old (runs) vs new (run-order + run-details), ms: old / new = ratio\n',
  );
  for (const r of results) {
    const cells = LIGHT_SORTS.map((s) => {
      const [old, light, ratio] = r.formulations[s] ?? [];
      return `${s} ${old} / ${light} = ${ratio}×`;
    });
    process.stdout.write(`${String(r.runs).padEnd(6)}${cells.join('  ')}\n`);
  }
  const target = results.find((r) => r.runs === 10_000);
  if (target)
    process.stdout.write(
      `\n10,000 runs: page in ${target.pageMs} ms, sorted by user ${target.heavySortPageMs[0]} ms (max ${target.heavySortPageMs[1]}) (target < 1000 ms): ${Math.max(target.pageMs, target.heavySortPageMs[0]) < 1000 ? 'met' : 'NOT met'}\n`,
    );
  if (OUT)
    writeFileSync(
      OUT,
      `${JSON.stringify({ date: new Date().toISOString(), commit: measuredCommit(), repeats: REPEATS, results }, null, 2)}\n`,
    );
}

// Run as a script, not when another bench or a profile imports runEvents.
if (process.argv[1] && import.meta.url === new URL(process.argv[1], 'file:').href) await main();
