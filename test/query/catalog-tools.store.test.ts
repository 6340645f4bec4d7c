import { beforeAll, describe, expect, it } from 'vitest';
import { fromOpenLineage, validateBatch } from '../../src/capture/index.ts';
import { ensureOntologyGraph } from '../../src/ontology/index.ts';
import { type Catalog, packageCatalog, runCatalogQuery } from '../../src/query/index.ts';
import type { ProvStore, SelectResult } from '../../src/store/index.ts';
import { transformationIri, translate } from '../../src/translate/index.ts';
import { ID, lifecycleStore } from './support/lifecycle.ts';

// Fixture tests of the catalog queries behind the MCP tools (find-runs, ontology-terms) and the OpenLineage
// export (executions, execution-data, openlineage-jobs).
let store: ProvStore;
let catalog: Catalog;

beforeAll(async () => {
  store = await lifecycleStore();
  await ensureOntologyGraph(store, new URL('../../ontology', import.meta.url).pathname);
  catalog = await packageCatalog();
});

const run = (name: string, params: Record<string, string> = {}): Promise<SelectResult> =>
  runCatalogQuery(store, catalog.get(name), params);
const column = (result: SelectResult, name: string): string[] =>
  result.rows.map((row) => row[name]?.value ?? '');
const EXPERIMENT = `${ID}experiment/exp-facies`;

describe('find-runs', () => {
  it('lists every workflow execution with its status, once', async () => {
    const result = await run('find-runs');
    expect(result.rows.map((row) => [row.execution?.value, row.runStatus?.value])).toEqual([
      [`${ID}wfexec/cur-1`, 'finished'],
      [`${ID}wfexec/prep-1`, 'finished'],
      [`${ID}wfexec/prep-2`, 'failed'],
      [`${ID}wfexec/train-1`, 'finished'],
      [`${ID}wfexec/train-2`, 'finished'],
      [`${ID}wfexec/train-3`, 'running'],
    ]);
    expect(result.rows[3]).toMatchObject({
      workflow: { value: 'train-facies' },
      inExperiment: { value: EXPERIMENT },
    });
  });

  it('filters by experiment and by status (any case)', async () => {
    expect(column(await run('find-runs', { experiment: EXPERIMENT }), 'execution')).toEqual(
      ['train-1', 'train-2', 'train-3'].map((id) => `${ID}wfexec/${id}`),
    );
    expect(column(await run('find-runs', { status: 'Failed' }), 'execution')).toEqual([`${ID}wfexec/prep-2`]);
    expect(
      column(await run('find-runs', { status: 'running', experiment: EXPERIMENT }), 'execution'),
    ).toEqual([`${ID}wfexec/train-3`]);
    expect((await run('find-runs', { experiment: `${ID}experiment/none` })).rows).toEqual([]);
  });

  it('a hyperparameter keeps the runs that set it; a measure the runs that recorded it', async () => {
    expect(column(await run('find-runs', { hyperparameter: 'learning_rate' }), 'execution')).toEqual(
      ['train-1', 'train-2', 'train-3'].map((id) => `${ID}wfexec/${id}`),
    );
    expect(column(await run('find-runs', { hyperparameter: 'window' }), 'execution')).toEqual([]);
    expect((await run('find-runs', { hyperparameter: 'no_such_setting' })).rows).toEqual([]);
    expect(column(await run('find-runs', { measure: 'loss' }), 'execution')).toEqual(
      ['train-1', 'train-2', 'train-3'].map((id) => `${ID}wfexec/${id}`),
    );
    expect((await run('find-runs', { measure: 'no-such-measure' })).rows).toEqual([]);
  });

  it('a hyperparameter value keeps the runs that set that hyperparameter to that number', async () => {
    expect(
      column(
        await run('find-runs', { hyperparameter: 'learning_rate', hyperparameterValue: '0.01' }),
        'execution',
      ),
    ).toEqual([`${ID}wfexec/train-2`]);
    // 1e-2 is the same number; an integer setting matches the same number written as a double.
    expect(
      column(
        await run('find-runs', { hyperparameter: 'learning_rate', hyperparameterValue: '1e-2' }),
        'execution',
      ),
    ).toEqual([`${ID}wfexec/train-2`]);
    expect(
      column(
        await run('find-runs', { hyperparameter: 'batch_size', hyperparameterValue: '32.0' }),
        'execution',
      ),
    ).toEqual([`${ID}wfexec/train-2`]);
    // Name and value on one setting: no run sets learning_rate to 32 (batch_size is 32 in train-2).
    expect(
      (await run('find-runs', { hyperparameter: 'learning_rate', hyperparameterValue: '32' })).rows,
    ).toEqual([]);
    // A value alone: the runs with any hyperparameter set to it.
    expect(column(await run('find-runs', { hyperparameterValue: '32' }), 'execution')).toEqual([
      `${ID}wfexec/train-2`,
    ]);
    await expect(run('find-runs', { hyperparameterValue: 'fast' })).rejects.toThrow(/hyperparameterValue/);
  });
});

describe('ontology-terms', () => {
  it('lists PROV-ML terms once each, with kind, label, comment and parents in PROV-O or ML Schema', async () => {
    const result = await run('ontology-terms');
    const terms = column(result, 'term');
    expect(new Set(terms).size).toBe(terms.length);
    expect(terms.every((term) => term.startsWith('https://w3id.org/provml#'))).toBe(true);
    const model = result.rows.find((row) => row.term?.value === 'https://w3id.org/provml#Model');
    expect(model?.kind?.value).toBe('class');
    expect(model?.label?.value).toBeTruthy();
    expect(model?.parents?.value.split(' ')).toEqual(
      expect.arrayContaining(['http://www.w3.org/ns/prov#Entity']),
    );
    const kinds = new Set(column(result, 'kind'));
    expect([...kinds].sort()).toEqual([
      'annotation property',
      'class',
      'datatype property',
      'object property',
    ]);
  });
});

describe('executions', () => {
  it('lists workflow executions and their tasks with plan, parent, times, status and error', async () => {
    const prep2 = await run('executions', { execution: `${ID}wfexec/prep-2` });
    const byActivity = new Map(prep2.rows.map((row) => [row.activity?.value, row]));
    expect([...byActivity.keys()].sort()).toEqual(
      [`${ID}wfexec/prep-2`, `${ID}wfexec/prep-2/task/norm`, `${ID}wfexec/prep-2/task/stats`].sort(),
    );
    expect(byActivity.get(`${ID}wfexec/prep-2/task/norm`)).toMatchObject({
      kind: { value: 'task' },
      name: { value: 'normalize' },
      status: { value: 'failed' },
      error: { value: 'NaN in amplitudes' },
    });
    expect(byActivity.get(`${ID}wfexec/prep-2`)).toMatchObject({
      kind: { value: 'workflow' },
      status: { value: 'failed' },
    });
    const running = (await run('executions', { execution: `${ID}wfexec/train-3` })).rows.find(
      (row) => row.activity?.value === `${ID}wfexec/train-3`,
    );
    expect(running?.ended).toBeUndefined();
    expect(running?.status).toBeUndefined();
    const epoch = (await run('executions', { execution: `${ID}wfexec/train-1` })).rows.find(
      (row) => row.activity?.value === `${ID}wfexec/train-1/task/fit-e1`,
    );
    expect(epoch?.parent?.value).toBe(`${ID}wfexec/train-1/task/fit`);
  });

  it('restricts to an experiment; without parameters lists every execution', async () => {
    const inExperiment = await run('executions', { experiment: EXPERIMENT });
    expect(new Set(column(inExperiment, 'execution'))).toEqual(
      new Set(['train-1', 'train-2', 'train-3'].map((id) => `${ID}wfexec/${id}`)),
    );
    expect(new Set(column(await run('executions'), 'execution')).size).toBe(6);
  });
});

describe('execution-data', () => {
  it('lists what each task used and generated, with names', async () => {
    const rows = (await run('execution-data', { execution: `${ID}wfexec/prep-1` })).rows.map((row) => [
      row.activity?.value,
      row.direction?.value,
      row.data?.value,
    ]);
    expect(rows).toContainEqual([`${ID}wfexec/prep-1/task/tile`, 'used', `${ID}data/f3-cube`]);
    expect(rows).toContainEqual([`${ID}wfexec/prep-1/task/tile`, 'generated', `${ID}data/tiles-train`]);
  });

  it('lists the model a training task generated, with its location, and no hyperparameter or metric value', async () => {
    const rows = (await run('execution-data', { execution: `${ID}wfexec/train-1` })).rows;
    const generated = rows.filter((row) => row.direction?.value === 'generated');
    expect(generated.map((row) => [row.activity?.value, row.data?.value, row.location?.value])).toEqual([
      [`${ID}wfexec/train-1/task/fit`, `${ID}data/unet-a`, 's3://models/unet-a.pt'],
    ]);
    expect(rows.filter((row) => row.direction?.value === 'used').length).toBeGreaterThan(0);
  });
});

describe('openlineage-jobs', () => {
  it('lists the OpenLineage annotations of plans that came in as OpenLineage, by plan name', async () => {
    const job = fromOpenLineage({
      eventTime: '2024-06-01T11:00:00Z',
      producer: 'https://github.com/apache/spark/tree/v3.5.0',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent',
      job: { namespace: 'spark-prod', name: 'etl.job' },
    });
    // A provml plan with an annotation of its own is no OpenLineage job.
    const own = validateBatch([
      {
        type: 'plan.declared',
        schema: 'provml/1',
        id: 'plan-own',
        time: '2024-06-01T11:00:00Z',
        workflowExecutionId: 'prep-1',
        name: 'tile-cube',
        annotations: { sourceCode: 'tile.py' },
      },
    ]);
    if (!job.ok || !own.ok) throw new Error('fixture events invalid');
    await store.insert(translate([...job.events, ...own.events]));
    const all = await run('openlineage-jobs');
    expect(all.rows.map((row) => [row.plan?.value, row.name?.value])).toEqual([
      [transformationIri('spark-prod/etl.job'), 'spark-prod/etl.job'],
    ]);
    expect(JSON.parse(all.rows[0]?.annotation?.value ?? '{}')).toMatchObject({
      openlineage: { job: { namespace: 'spark-prod', name: 'etl.job' } },
    });
    expect((await run('openlineage-jobs', { name: 'spark-prod/etl.job' })).rows).toHaveLength(1);
    expect((await run('openlineage-jobs', { name: 'tile-cube' })).rows).toEqual([]);
  });
});
