import { describe, expect, it } from 'vitest';
import { type CatalogEntry, parseHeader, runCatalogQuery } from '../../src/query/index.ts';
import type { SelectResult } from '../../src/store/index.ts';
import { dumpText } from '../../src/store/index.ts';
import { durationSeconds } from '../support/duration.ts';
import { testBackend } from '../support/test-store.ts';
import { ID, lifecycleCatalog } from './support/lifecycle.ts';

const suite = lifecycleCatalog();
const { run } = suite;

/** Rows as plain {column: value} maps (missing = ''), for table-like expectations. */
function table(result: SelectResult, columns: string[] = result.variables): Array<Record<string, string>> {
  return result.rows.map((row) => Object.fromEntries(columns.map((name) => [name, row[name]?.value ?? ''])));
}

describe('catalog listing and headers', () => {
  it('lists every analysis of the design with phase, mode, typed parameters and columns', () => {
    const names = suite.catalog.list().map((entry) => entry.name);
    expect(names).toEqual([
      'best-model-hyperparameters',
      'execution-data',
      'executions',
      'failed-tasks',
      'find-runs',
      'latest-metric-running',
      'learning-data-characteristics',
      'lineage-edges',
      'lineage-nodes',
      'measure-per-epoch',
      'model-lineage',
      'models',
      'models-by-domain-property',
      'models-from-raw-data',
      'ontology-classes',
      'ontology-terms',
      'openlineage-jobs',
      'run-count',
      'run-details',
      'run-order',
      'run-values',
      'running-tasks',
      'runs',
      'stage-runners',
    ]);
    const best = suite.catalog.get('best-model-hyperparameters');
    expect(best.phase).toBe('learning');
    expect(best.online).toBe(false);
    expect(best.params.map((p) => [p.name, p.type, p.required])).toEqual([
      ['experiment', 'iri', true],
      ['measure', 'string', true],
      ['maximize', 'boolean', true],
    ]);
    expect(best.columns.map((c) => c.name)).toEqual([
      'model',
      'value',
      'algorithm',
      'hyperparameter',
      'hyperparameterValue',
    ]);
    expect(suite.catalog.get('measure-per-epoch')).toMatchObject({
      online: true,
      params: [
        { name: 'measure' },
        { name: 'run', multiple: true, required: false },
        { name: 'execution' },
        { name: 'stage', required: false },
      ],
    });
    expect(suite.catalog.get('models-by-domain-property').federated).toBe(true);
  });

  it('declares as result columns exactly the variables each query selects', async () => {
    for (const entry of suite.catalog.list().filter((e) => !e.federated)) {
      const params = Object.fromEntries(
        entry.params.filter((p) => p.required).map((p) => [p.name, sample(p.type)]),
      );
      const result = await runCatalogQuery(suite.store, entry, params);
      expect(result.variables, entry.name).toEqual(entry.columns.map((c) => c.name));
    }
  });

  it('reports malformed headers with the file and line', () => {
    expect(() =>
      parseHeader('# @name x\n# @purpose p\n# @phase nowhere\n# @mode online\nSELECT * {}', 'x.rq'),
    ).toThrow(/x\.rq:3: @phase/);
    expect(() =>
      parseHeader(
        '# @name x\n# @purpose p\n# @phase any\n# @mode online\n# @param a float\nSELECT * {}',
        'x.rq',
      ),
    ).toThrow(/x\.rq:5: @param type/);
    expect(() => parseHeader('# @name x\n# @phase any\n# @mode online\nSELECT * {}', 'x.rq')).toThrow(
      /missing @purpose/,
    );
  });
});

function sample(type: string): string {
  return (
    {
      iri: `${ID}none`,
      string: 'loss',
      integer: '1',
      double: '1.5',
      boolean: 'true',
      dateTime: '2024-01-01T00:00:00Z',
    }[type] ?? ''
  );
}

// Virtuoso 7.2 now and then answers a property path over a store shared with other work incompletely or in
// another order (openlink/virtuoso-opensource#704: non-deterministic property path result counts): seen twice in
// about fifteen full runs, once a row missing from models-from-raw-data's `(a|b/c)+`, once measure-per-epoch's
// rows swapped. On Virtuoso a test of this block is run once more before it fails; an answer wrong every time
// still fails, and the in-memory suite runs each test once.
const ENGINE_RETRY = testBackend() === 'virtuoso' ? { retry: 1 } : {};

describe('catalog queries on the lifecycle fixture (events → translator → store)', ENGINE_RETRY, () => {
  it('model-lineage: training, domain and raw data across three workflow executions', async () => {
    expect(table(await run('model-lineage', { model: `${ID}data/unet-a` }))).toEqual([
      { ancestor: `${ID}data/f3-cube`, kind: 'domain', name: 'F3 curated cube', location: '' },
      { ancestor: `${ID}data/raw%2Ff3.segy`, kind: 'raw', name: 'F3 SEG-Y', location: 's3://raw/f3.segy' },
      { ancestor: `${ID}data/tiles-train`, kind: 'training', name: '', location: '' },
    ]);
  });

  it('best-model-hyperparameters: highest accuracy and lowest loss pick different models', async () => {
    const experiment = `${ID}experiment/exp-facies`;
    expect(
      table(await run('best-model-hyperparameters', { experiment, measure: 'accuracy', maximize: 'true' })),
    ).toEqual([
      {
        model: `${ID}data/unet-b`,
        value: '0.86',
        algorithm: 'U-Net',
        hyperparameter: 'batch_size',
        hyperparameterValue: '32',
      },
      {
        model: `${ID}data/unet-b`,
        value: '0.86',
        algorithm: 'U-Net',
        hyperparameter: 'learning_rate',
        hyperparameterValue: '0.01',
      },
    ]);
    const byLoss = await run('best-model-hyperparameters', {
      experiment,
      measure: 'loss',
      maximize: 'false',
    });
    expect(table(byLoss, ['model', 'value']).map((r) => r.model)).toEqual([
      `${ID}data/unet-a`,
      `${ID}data/unet-a`,
    ]);
  });

  it('measure-per-epoch: loss by epoch for chosen runs, typed values', async () => {
    const runs = [`${ID}wfexec/train-1/task/fit`, `${ID}wfexec/train-3/task/fit`];
    const result = await run('measure-per-epoch', { measure: 'loss', run: runs });
    expect(table(result, ['run', 'epoch', 'value'])).toEqual([
      { run: runs[0], epoch: '1', value: '0.9' },
      { run: runs[0], epoch: '2', value: '0.5' },
      { run: runs[0], epoch: '3', value: '0.3' },
      { run: runs[1], epoch: '1', value: '0.7' },
      { run: runs[1], epoch: '2', value: '0.55' },
    ]);
    expect(result.rows[0]?.value).toMatchObject({
      datatype: { value: 'http://www.w3.org/2001/XMLSchema#double' },
    });
    expect((await run('measure-per-epoch', { measure: 'loss' })).rows).toHaveLength(7);
    const training = await run('measure-per-epoch', { measure: 'loss', stage: 'training' });
    expect(training.rows.map((r) => r.measuredIn?.value)).toEqual(Array(7).fill('training'));
    expect((await run('measure-per-epoch', { measure: 'loss', stage: 'validation' })).rows).toEqual([]);
  });

  it('models-from-raw-data: forward lineage from a raw file', async () => {
    expect(table(await run('models-from-raw-data', { raw: `${ID}data/raw%2Ff3.segy` }))).toEqual([
      { model: `${ID}data/unet-a`, name: 'unet-a', execution: `${ID}wfexec/train-1` },
      { model: `${ID}data/unet-b`, name: 'unet-b', execution: `${ID}wfexec/train-2` },
    ]);
    expect((await run('models-from-raw-data', { raw: `${ID}data/raw%2Fparihaka.segy` })).rows).toEqual([]);
  });

  it('failed-tasks: the failed task with its error and inputs', async () => {
    const expected = [
      {
        task: `${ID}wfexec/prep-2/task/norm`,
        transformation: 'normalize',
        error: 'NaN in amplitudes',
        input: `${ID}data/parihaka-cube`,
        inputValue: '',
      },
      {
        task: `${ID}wfexec/prep-2/task/norm`,
        transformation: 'normalize',
        error: 'NaN in amplitudes',
        input: 'window',
        inputValue: '64',
      },
    ];
    const columns = ['task', 'transformation', 'error', 'input', 'inputValue'];
    expect(table(await run('failed-tasks', { execution: `${ID}wfexec/prep-2` }), columns)).toEqual(expected);
    expect(table(await run('failed-tasks'), columns)).toEqual(expected);
    expect((await run('failed-tasks', { execution: `${ID}wfexec/prep-1` })).rows).toEqual([]);
  });

  it('running-tasks: the unfinished workflow, its training stage and current epoch', async () => {
    expect(table(await run('running-tasks'), ['activity', 'kind', 'host', 'user'])).toEqual([
      { activity: `${ID}wfexec/train-3`, kind: 'workflow', host: 'gpu-node-2', user: 'carol' },
      { activity: `${ID}wfexec/train-3/task/fit`, kind: 'stage', host: 'gpu-node-2', user: 'carol' },
      { activity: `${ID}wfexec/train-3/task/fit-e3`, kind: 'section', host: 'gpu-node-2', user: 'carol' },
    ]);
  });

  it('stage-runners: who ran each stage, where, and for how long', async () => {
    const rows = table(await run('stage-runners'), ['task', 'user', 'persona', 'host', 'duration']).map(
      (row) => ({ ...row, duration: durationSeconds(row.duration ?? '') }),
    );
    expect(rows).toContainEqual({
      task: `${ID}wfexec/cur-1/task/import-f3`,
      user: 'alice',
      persona: 'domain scientist',
      host: 'hpc-login',
      duration: 540,
    });
    expect(rows).toContainEqual({
      task: `${ID}wfexec/train-1/task/fit`,
      user: 'carol',
      persona: 'ML engineer',
      host: 'gpu-node-2',
      duration: 29 * 60 + 55,
    });
    expect(rows).toContainEqual({
      task: `${ID}wfexec/train-3/task/fit`,
      user: 'carol',
      persona: 'ML engineer',
      host: 'gpu-node-2',
      duration: '',
    });
    expect(rows).toHaveLength(7);
  });

  it('learning-data-characteristics: features and split sizes of the data a model used', async () => {
    expect(table(await run('learning-data-characteristics', { model: `${ID}data/unet-a` }))).toEqual([
      {
        data: `${ID}data/tiles-val`,
        split: 'validation',
        use: 'evaluated-on',
        characteristic: 'sampleCount',
        value: '200',
      },
      {
        data: `${ID}data/tiles-train`,
        split: 'training',
        use: 'trained-on',
        characteristic: 'classBalance',
        value: '0.35',
      },
      {
        data: `${ID}data/tiles-train`,
        split: 'training',
        use: 'trained-on',
        characteristic: 'feature',
        value: 'amplitude',
      },
      {
        data: `${ID}data/tiles-train`,
        split: 'training',
        use: 'trained-on',
        characteristic: 'feature',
        value: 'facies',
      },
      {
        data: `${ID}data/tiles-train`,
        split: 'training',
        use: 'trained-on',
        characteristic: 'sampleCount',
        value: '800',
      },
    ]);
  });

  it('latest-metric-running: the last epoch value of the running training only', async () => {
    expect(table(await run('latest-metric-running', { measure: 'loss' }))).toEqual([
      {
        execution: `${ID}wfexec/train-3`,
        run: `${ID}wfexec/train-3/task/fit`,
        measure: 'loss',
        epoch: '2',
        value: '0.55',
      },
    ]);
    expect((await run('latest-metric-running', { measure: 'accuracy' })).rows).toEqual([]);
  });
});

describe('parameters are bound as RDF terms', () => {
  const entry = (): CatalogEntry => suite.catalog.get('measure-per-epoch');
  const attack = '"} ; DROP ALL ; {"';

  it('an injection attempt as a string is an inert literal: no rows, store unchanged', async () => {
    const before = await dumpText(suite.store.dump({ format: 'application/n-quads' }));
    expect((await runCatalogQuery(suite.store, entry(), { measure: attack })).rows).toEqual([]);
    expect(
      (await runCatalogQuery(suite.store, entry(), { measure: "loss' } ; DELETE WHERE { ?s ?p ?o } #" }))
        .rows,
    ).toEqual([]);
    expect(await dumpText(suite.store.dump({ format: 'application/n-quads' }))).toBe(before);
  });

  it('an injection attempt as an IRI is refused with a 400 naming the parameter', async () => {
    await expect(
      runCatalogQuery(suite.store, entry(), { measure: 'loss', run: `${ID}x> } ; DROP ALL ; { <a:b` }),
    ).rejects.toMatchObject({ code: 'BadRequest', param: 'run' });
    await expect(
      runCatalogQuery(suite.store, entry(), { measure: 'loss', run: attack }),
    ).rejects.toMatchObject({
      code: 'BadRequest',
      param: 'run',
    });
  });

  it('missing, unknown and ill-typed parameters are 400s naming the parameter', async () => {
    await expect(runCatalogQuery(suite.store, entry(), {})).rejects.toMatchObject({
      code: 'BadRequest',
      param: 'measure',
    });
    await expect(
      runCatalogQuery(suite.store, entry(), { measure: 'loss', epochs: '3' }),
    ).rejects.toMatchObject({
      code: 'BadRequest',
      param: 'epochs',
    });
    const best = suite.catalog.get('best-model-hyperparameters');
    await expect(
      runCatalogQuery(suite.store, best, {
        experiment: `${ID}experiment/exp-facies`,
        measure: 'loss',
        maximize: 'maybe',
      }),
    ).rejects.toMatchObject({ code: 'BadRequest', param: 'maximize' });
    await expect(
      runCatalogQuery(suite.store, best, { experiment: 'not an iri', measure: 'loss', maximize: 'true' }),
    ).rejects.toThrow(/Parameter "experiment": expected an absolute IRI/);
  });

  it('an unknown query name is a 404 listing the known ones', () => {
    expect(() => suite.catalog.get('drop-all')).toThrow(
      expect.objectContaining({ code: 'NotFound', message: expect.stringContaining('model-lineage') }),
    );
  });
});
