import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecorder } from '../../src/client/index.ts';
import { runDemo } from '../../src/demo/run.ts';
import { type ServeProcess, startServeProcess } from '../support/serve-process.ts';
import { HAVE_CHROMIUM, launchChromium, requireChromium, screenshotPath } from './browser.ts';

// The page as a person sees it: `provml serve` in its own process (what `npm start` runs), the demo recorded
// through the HTTP API, and Debian's chromium driving the five views. Every wait is on a DOM condition.

const ID = 'https://w3id.org/provml/id/';
const BEST_MODEL = `${ID}data/facies-unet-demo-run-4`;
const DEMO_RUNS = ['demo-run-1', 'demo-run-2', 'demo-run-3', 'demo-run-4'];

requireChromium();
const dataDir = mkdtempSync(join(tmpdir(), 'provml-web-'));
let server: ServeProcess;
let browser: Browser;
let page: Page;
const requested: string[] = [];

beforeAll(async () => {
  server = await startServeProcess(['--port', '0', '--data', dataDir], {
    env: { ...process.env, PROVML_LOG_LEVEL: 'warn', PROVML_TOKEN: '' },
  });
  await runDemo({ url: server.url });
  browser = await launchChromium();
  page = await browser.newPage({ viewport: { width: 1400, height: 860 } });
  page.on('request', (request) => requested.push(request.url()));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  // The server still writes its snapshot while it shuts down: remove its directory only once it has exited.
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe.runIf(HAVE_CHROMIUM || process.env.CI === 'true')('the web page in headless chromium', () => {
  it('lists the demo runs with their status (experiments and runs)', async () => {
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#view[data-ready=true] table.runs tbody tr');
    const rows = await page.$$eval('table.runs tbody tr', (trs) =>
      trs.map((tr) => [tr.getAttribute('data-execution'), tr.getAttribute('data-status')]),
    );
    const status = Object.fromEntries(
      rows.map(([execution, s]) => [execution?.replace(`${ID}wfexec/`, ''), s]),
    );
    expect(status).toMatchObject({
      'demo-run-1': 'finished',
      'demo-run-2': 'finished',
      'demo-run-3': 'failed',
      'demo-run-4': 'finished',
    });
    expect(await page.textContent('table.runs')).toContain('learning_rate = 0.003');
    await page.screenshot({ path: screenshotPath('runs'), fullPage: true });
  });

  it('sorts and filters on the server', async () => {
    await page.goto(`${server.url}/#/runs?status=failed`);
    await page.waitForSelector('#view[data-ready=true]');
    expect(await page.$$eval('table.runs tbody tr', (trs) => trs.map((tr) => tr.dataset.status))).toEqual([
      'failed',
    ]);
    await page.goto(`${server.url}/#/runs?sort=execution&order=asc`);
    await page.waitForSelector('#view[data-ready=true] th[aria-sort=ascending]');
    const order = await page.$$eval('table.runs tbody tr', (trs) => trs.map((tr) => tr.dataset.execution));
    expect(order).toEqual([...order].sort());
    // Status is a key of the light run-order query, user is not (the runs query is paged itself): both sort.
    await page.goto(`${server.url}/#/runs?sort=status&order=desc`);
    await page.waitForSelector('#view[data-ready=true] th[data-sort=status][aria-sort=descending]');
    const statuses = await page.$$eval('table.runs tbody tr', (trs) =>
      trs.map((tr) => tr.dataset.status ?? ''),
    );
    expect(statuses).toEqual([...statuses].sort().reverse());
    expect(new Set(statuses).size).toBeGreaterThan(1);
    await page.goto(`${server.url}/#/runs?sort=user&order=asc`);
    await page.waitForSelector('#view[data-ready=true] th[data-sort=user][aria-sort=ascending]');
    const users = await page.$$eval('table.runs tbody tr td:nth-child(6)', (tds) =>
      tds.map((td) => td.textContent ?? ''),
    );
    expect(users).toEqual([...users].sort());
    expect(new Set(users).size).toBeGreaterThan(1);
    expect(await page.textContent('table.runs')).toContain('learning_rate = 0.003');
  });

  it('draws a series per selected run with one point per recorded epoch (run comparison)', async () => {
    const query = DEMO_RUNS.map((run) => `execution=${encodeURIComponent(`${ID}wfexec/${run}`)}`).join('&');
    await page.goto(`${server.url}/#/compare?${query}`);
    await page.waitForSelector('#view[data-ready=true] figure.chart canvas');
    const training = await page.$eval('figure.chart[data-title="loss (training)"]', (f) => ({
      ...f.dataset,
    }));
    // Four epochs each, but demo-run-3 failed in epoch 3 (two epochs with values).
    expect(training).toMatchObject({ series: '4', points0: '4', points1: '4', points2: '2', points3: '4' });
    expect(await page.$$eval('.charts figure.chart', (fs) => fs.map((f) => f.dataset.title))).toEqual([
      'loss (training)',
      'loss (validation)',
    ]);
    expect(await page.textContent('table.hyperparameters')).toContain('0.319');
    await page.screenshot({ path: screenshotPath('compare'), fullPage: true });
  });

  it('draws parallel coordinates, one line per selected run, against the metric chosen', async () => {
    const runs = DEMO_RUNS.map((run) => `${ID}wfexec/${run}`);
    const query = runs.map((run) => `execution=${encodeURIComponent(run)}`).join('&');
    await page.goto(`${server.url}/#/compare?${query}`);
    const picture = 'figure.parallel svg';
    await page.waitForSelector(`#view[data-ready=true] ${picture}[data-metric="loss (evaluation)"]`);
    const lines = async () =>
      page.$$eval(`${picture} path.line`, (paths) =>
        paths.map((p) => ({
          execution: p.getAttribute('data-execution'),
          value: p.getAttribute('data-value'),
          // The end of the line: its point on the metric's axis (the last one).
          y: Number(/([\d.]+)$/.exec(p.getAttribute('d') ?? '')?.[1]),
        })),
      );
    expect(await page.getAttribute(picture, 'data-lines')).toBe('4');
    expect((await lines()).map((line) => line.execution)).toEqual(runs);
    const axes = await page.$$eval(`${picture} g.axis`, (gs) => gs.map((g) => g.getAttribute('data-axis')));
    expect(axes).toEqual(expect.arrayContaining(['batch_size', 'learning_rate', 'loss (evaluation)']));
    expect(axes.at(-1)).toBe('loss (evaluation)');
    const byValue = (found: Awaited<ReturnType<typeof lines>>) =>
      found
        .filter((line) => line.value !== null)
        .sort((a, b) => Number(a.value) - Number(b.value))
        .map((line) => line.y);
    const loss = await lines();
    expect(loss.find((line) => line.execution?.endsWith('demo-run-4'))?.value).toBe('0.319');
    // A higher value ends higher on the axis (a smaller y): the lines follow the metric.
    const lossYs = byValue(loss);
    expect(lossYs.length).toBeGreaterThanOrEqual(3);
    expect(lossYs).toEqual([...lossYs].sort((a, b) => b - a));

    await page.selectOption('select[name=metric]', 'accuracy (evaluation)');
    await page.waitForSelector(`${picture}[data-metric="accuracy (evaluation)"]`);
    const accuracy = await lines();
    expect(accuracy.find((line) => line.execution?.endsWith('demo-run-4'))?.value).toBe('0.9');
    expect(accuracy.map((line) => line.execution)).toEqual(runs);
    const accuracyYs = byValue(accuracy);
    expect(accuracyYs).toEqual([...accuracyYs].sort((a, b) => b - a));
    expect(accuracy.map((line) => line.value)).not.toEqual(loss.map((line) => line.value));
    expect(await page.textContent('table.hyperparameters thead')).toContain('accuracy (evaluation)');
  });

  it('updates a running training without reload, on the server-sent signal', async () => {
    const recorder = createRecorder({ url: server.url, idPrefix: 'live' });
    const execution = recorder.workflowStarted({
      name: 'train-facies-unet',
      version: '1.0',
      workflowExecutionId: 'live-run',
    });
    const training = recorder.taskStarted({
      name: 'train-unet',
      taskId: 'live-training',
      stage: 'training',
      hyperparameters: { learning_rate: 0.005 },
    });
    const epoch = async (index: number, loss: number): Promise<void> => {
      const section = recorder.taskStarted({
        name: 'epoch',
        taskId: `live-epoch-${index}`,
        parentTaskId: training,
        stage: 'training',
        epoch: index,
      });
      recorder.logMetric('loss', loss, { taskId: section, epoch: index, stage: 'training' });
      recorder.taskEnded({ taskId: section });
      await recorder.flush();
    };
    await epoch(1, 1.2);
    const view = `${server.url}/#/compare?execution=${encodeURIComponent(`${ID}wfexec/${execution}`)}`;
    await page.goto(view);
    const chart = 'figure.chart[data-title="loss (training)"]';
    await page.waitForSelector(`${chart}[data-points="1"]`);
    // The stream is open: from here on the page does not poll, it refetches when the server signals.
    await page.waitForSelector('.live[data-live=stream]');
    const updates = Number(await page.getAttribute('#view', 'data-updates'));
    await epoch(2, 0.9);
    await epoch(3, 0.7);
    await page.waitForSelector(`${chart}[data-points="3"]`, { timeout: 30_000 });
    expect(Number(await page.getAttribute('#view', 'data-updates'))).toBeGreaterThan(updates);
    expect(Number(await page.getAttribute('#view', 'data-signals'))).toBeGreaterThan(0);
    expect(await page.getAttribute('.live', 'data-live')).toBe('stream');
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);

    // Without the stream (refused here), the page polls instead, and the curves still grow.
    await page.route('**/api/v1/live?**', (route) => route.abort());
    await page.goto(
      `${server.url}/?nostream#/compare?execution=${encodeURIComponent(`${ID}wfexec/${execution}`)}`,
    );
    await page.waitForSelector(`${chart}[data-points="3"]`);
    await page.waitForSelector('.live[data-live=poll]');
    await epoch(4, 0.6);
    await page.waitForSelector(`${chart}[data-points="4"]`, { timeout: 30_000 });
    expect(await page.getAttribute('#view', 'data-signals')).toBeNull();
    await page.unroute('**/api/v1/live?**');
    await recorder.close();
  });

  it("draws the best model's lineage with its tiles, cube, raw SEG-Y files and the Namorado formation", async () => {
    await page.goto(`${server.url}/#/lineage?model=${encodeURIComponent(BEST_MODEL)}`);
    await page.waitForSelector('#view[data-ready=true] .lineage-picture svg g.node');
    const nodes = await page.$$eval('.lineage-picture g.node', (gs) =>
      gs.map((g) => g.getAttribute('data-id')),
    );
    expect(nodes).toEqual(
      expect.arrayContaining([
        BEST_MODEL,
        `${ID}data/namorado-tiles-train`,
        `${ID}data/namorado-tiles-validation`,
        `${ID}data/campos-namorado-cube`,
        `${ID}data/campos-3d-part1.sgy`,
        `${ID}data/campos-3d-part2.sgy`,
        `${ID}data/campos-3d-part3.sgy`,
        'https://example.org/geo/Formation/Namorado',
      ]),
    );
    await page.click(`.lineage-picture g.node[data-id="${ID}data/campos-namorado-cube"]`);
    await page.waitForSelector('.details [data-node]');
    expect(await page.textContent('.details')).toContain('file:///data/domain/campos-namorado-cube.zarr');
    await page.screenshot({ path: screenshotPath('lineage'), fullPage: true });
  });

  it('runs a catalog query from the SPARQL editor, as a table and as a chart', async () => {
    await page.goto(`${server.url}/sparql`);
    await page.waitForSelector('body[data-ready=true] form[data-query=measure-per-epoch]');
    await page.click('form[data-query=measure-per-epoch] summary');
    await page.fill('form[data-query=measure-per-epoch] input[name=measure]', 'loss');
    await page.fill('form[data-query=measure-per-epoch] input[name=stage]', 'validation');
    await page.click('form[data-query=measure-per-epoch] button[type=submit]');
    await page.waitForSelector('body[data-responses="1"]');
    await page.waitForSelector('.yasr table.dataTable tbody tr');
    const text = await page.textContent('.yasr');
    expect(text).toContain('demo-run-4');
    expect(await page.$$eval('.yasr table.dataTable tbody tr', (trs) => trs.length)).toBeGreaterThanOrEqual(
      14,
    );
    await page.screenshot({ path: screenshotPath('sparql'), fullPage: true });
    await page.click('.yasr .select_chart');
    await page.waitForSelector('.yasr-chart canvas');
    expect(await page.getAttribute('.yasr-chart', 'data-series')).toBe('4');
    await page.screenshot({ path: screenshotPath('sparql-chart'), fullPage: true });
  });

  it('shows the PROV-ML class tree with its alignment and the validator report', async () => {
    await page.goto(`${server.url}/#/ontology`);
    await page.waitForSelector('#view[data-ready=true] .tree li');
    const stage = await page.textContent(
      `li[data-class="https://w3id.org/provml#BaseLearningStage"] > .badge`,
    );
    expect(stage).toBe('mls:Run');
    const training = `li[data-class="https://w3id.org/provml#BaseLearningStage"] li[data-class="https://w3id.org/provml#Training"]`;
    expect(await page.$(training)).not.toBeNull();
    expect(await page.getAttribute('.report [data-ok]', 'data-ok')).toBe('true');
    await page.screenshot({ path: screenshotPath('ontology'), fullPage: true });
  });

  it('fetched nothing but its own server', () => {
    const foreign = requested.filter((url) => !url.startsWith(server.url) && !url.startsWith('data:'));
    expect(foreign).toEqual([]);
  });
});
