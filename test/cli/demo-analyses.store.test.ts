import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { DEMO_DATA, modelId } from '../../src/demo/lifecycle.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { dataIri, experimentIri, workflowExecutionIri } from '../../src/translate/index.ts';
import { runCli } from '../support/run-cli.ts';
import { type InProcessServer, startInProcessServer } from './in-process-server.ts';

// Every local catalog analysis, by name, over HTTP and from the CLI, on the data `provml demo` records.

type Rows = Array<Record<string, string>>;
let server: InProcessServer;
let app: ReturnType<typeof createApp>;

const BEST = dataIri(modelId('demo-run-4'));
const FAILED_RUN = workflowExecutionIri('demo-run-3');

async function rows(name: string, params: Record<string, string> = {}): Promise<Rows> {
  const res = await request(app).get(`/api/v1/queries/${name}`).query(params).expect(200);
  const json = res.body as { results: { bindings: Array<Record<string, { value: string }>> } };
  return json.results.bindings.map((b) =>
    Object.fromEntries(Object.entries(b).map(([k, v]) => [k, v.value])),
  );
}
const column = (found: Rows, name: string): string[] => [...new Set(found.map((r) => r[name] ?? ''))].sort();

beforeAll(async () => {
  server = await startInProcessServer();
  expect((await runCli('demo', '--url', server.url)).code).toBe(0);
  app = createApp({
    store: server.store,
    config: loadConfig({ flags: { dataDir: '/nonexistent' } }),
    logger: silentLogger(),
  });
});
afterAll(() => server.close());

describe('catalog analyses on the demo lifecycle', () => {
  it('model-lineage: the best model goes back to its tiles, the curated cube and every raw SEG-Y file', async () => {
    const found = await rows('model-lineage', { model: BEST });
    expect(column(found, 'ancestor')).toEqual(
      expect.arrayContaining([
        dataIri(DEMO_DATA.preparation.splits.training.id),
        dataIri(DEMO_DATA.curation.cube.id),
        ...DEMO_DATA.curation.rawFiles.map((f) => dataIri(f.id)),
      ]),
    );
    expect(found.filter((r) => r.kind === 'raw')).toHaveLength(DEMO_DATA.curation.rawFiles.length);
  });

  it('best-model-hyperparameters: run 4 has the best accuracy, with its learning rate', async () => {
    const found = await rows('best-model-hyperparameters', {
      experiment: experimentIri(DEMO_DATA.training.experiment.id),
      measure: 'accuracy',
      maximize: 'true',
    });
    expect(column(found, 'model')).toEqual([BEST]);
    expect(found.find((r) => r.hyperparameter === 'learning_rate')?.hyperparameterValue).toBe('0.003');
  });

  it('measure-per-epoch: training loss of every run, the failed run stopping early', async () => {
    const found = await rows('measure-per-epoch', { measure: 'loss', stage: 'training' });
    expect(column(found, 'execution')).toEqual(
      DEMO_DATA.training.runs.map((r) => workflowExecutionIri(r.id)).sort(),
    );
    const failedEpochs = found.filter((r) => r.execution === FAILED_RUN).map((r) => Number(r.epoch));
    expect(Math.max(...failedEpochs)).toBeLessThan(4);
  });

  it('models-from-raw-data: every trained model derives from a raw file', async () => {
    const raw = dataIri(DEMO_DATA.curation.rawFiles[0]?.id ?? '');
    const found = await rows('models-from-raw-data', { raw });
    expect(column(found, 'model')).toEqual(
      DEMO_DATA.training.runs
        .filter((r) => r.id !== 'demo-run-3')
        .map((r) => dataIri(modelId(r.id)))
        .sort(),
    );
  });

  it('failed-tasks and running-tasks: the diverged run failed, nothing is still running', async () => {
    expect(column(await rows('failed-tasks'), 'execution')).toEqual([FAILED_RUN]);
    expect(await rows('running-tasks')).toEqual([]);
    expect(await rows('latest-metric-running', { measure: 'loss' })).toEqual([]);
  });

  it('stage-runners: who ran each phase, on which host', async () => {
    const found = await rows('stage-runners');
    for (const part of [DEMO_DATA.curation, DEMO_DATA.preparation, DEMO_DATA.training]) {
      expect(
        found.some((r) => r.persona === part.persona && r.host === part.host),
        part.persona,
      ).toBe(true);
    }
  });

  it('learning-data-characteristics: the training tiles of the best model and their sample count', async () => {
    const found = await rows('learning-data-characteristics', { model: BEST });
    const train = found.find((r) => r.split === 'training' && r.characteristic === 'sampleCount');
    expect(train?.value).toBe(String(DEMO_DATA.preparation.splits.training.sampleCount));
  });

  it('runs from the CLI by name, as a table', async () => {
    const result = await runCli('query', 'failed-tasks', '--url', server.url);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('demo-run-3');
  });
});
