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
    expect(await page.$$eval('figure.chart', (fs) => fs.map((f) => f.dataset.title))).toEqual([
      'loss (training)',
      'loss (validation)',
    ]);
    expect(await page.textContent('table.hyperparameters')).toContain('0.319');
    await page.screenshot({ path: screenshotPath('compare'), fullPage: true });
  });

  it('updates a running training without reload', async () => {
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
    await page.goto(`${server.url}/#/compare?execution=${encodeURIComponent(`${ID}wfexec/${execution}`)}`);
    const chart = 'figure.chart[data-title="loss (training)"]';
    await page.waitForSelector(`${chart}[data-points="1"]`);
    const updates = Number(await page.getAttribute('#view', 'data-updates'));
    await epoch(2, 0.9);
    await epoch(3, 0.7);
    await page.waitForSelector(`${chart}[data-points="3"]`, { timeout: 30_000 });
    expect(Number(await page.getAttribute('#view', 'data-updates'))).toBeGreaterThan(updates);
    expect(await page.evaluate(() => performance.getEntriesByType('navigation').length)).toBe(1);
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
