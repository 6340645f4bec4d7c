import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { datasetOf, type OpenLineageRunEvent, runIdOf } from '../../src/openlineage/index.ts';
import { createApp } from '../../src/server/app.ts';
import { askBoolean, openMemoryStore, type ProvStore } from '../../src/store/index.ts';
import { workflowExecutionIri } from '../../src/translate/index.ts';
import { ID, lifecycleStore } from '../query/support/lifecycle.ts';
import { runCli } from '../support/run-cli.ts';
import { officialSchemaErrors } from './official-schema.ts';

// OpenLineage out: captured executions (the lifecycle fixture, plus a run that came in as OpenLineage) as
// RunEvents that the official schema accepts.
const SPARK_RUN = '0191b7a1-5f7e-7c3a-9d1e-4a2b6c8d0e11';
const ETL_RUN = '0191b7a1-5f7e-7c3a-9d1e-4a2b6c8d0e22';
const ETL_CHILD_RUN = '0191b7a1-5f7e-7c3a-9d1e-4a2b6c8d0e33';
const PRODUCER = 'https://github.com/apache/spark/tree/v3.5.0';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
let store: ProvStore;
let app: ReturnType<typeof createApp>;
let server: Server;
let events: OpenLineageRunEvent[] = [];

const parse = (ndjson: string): OpenLineageRunEvent[] =>
  ndjson
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as OpenLineageRunEvent);
const of = (activity: string): OpenLineageRunEvent[] =>
  events.filter((event) => event.run.runId === runIdOf(activity));

beforeAll(async () => {
  store = await lifecycleStore();
  app = createApp({ store, config: defaultConfig(), logger: silentLogger() });
  for (const [eventType, eventTime] of [
    ['START', '2024-05-02T08:00:00Z'],
    ['COMPLETE', '2024-05-02T08:30:00Z'],
  ]) {
    const res = await request(app)
      .post('/api/v1/lineage')
      .type('application/json')
      .send({
        eventType,
        eventTime,
        producer: PRODUCER,
        schemaURL: SCHEMA_URL,
        run: { runId: SPARK_RUN },
        job: { namespace: 'spark', name: 'tile_seismic_cube' },
        inputs: [{ namespace: 's3://lake', name: 'raw/parihaka.segy' }],
        outputs: [{ namespace: 's3://lake', name: 'prepared/tiles' }],
      });
    expect(res.status).toBe(202);
  }
  // A Spark job whose namespace has no slash-free split from its name: spark-prod + etl.job, and a child run
  // (another namespace) with the parent facet.
  const etl = { namespace: 'spark-prod', name: 'etl.job' };
  const child = { namespace: 'spark-prod/stages', name: 'etl.job.write' };
  const childRun = {
    runId: ETL_CHILD_RUN,
    facets: {
      parent: {
        _producer: PRODUCER,
        _schemaURL: 'https://openlineage.io/spec/facets/1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet',
        run: { runId: ETL_RUN },
        job: etl,
      },
    },
  };
  const outputs = [{ namespace: 's3://lake', name: 'etl/out' }];
  for (const body of [
    { eventType: 'START', eventTime: '2024-05-03T08:00:00Z', run: { runId: ETL_RUN }, job: etl },
    { eventType: 'START', eventTime: '2024-05-03T08:01:00Z', run: childRun, job: child, outputs },
    { eventType: 'COMPLETE', eventTime: '2024-05-03T08:05:00Z', run: childRun, job: child, outputs },
    { eventType: 'COMPLETE', eventTime: '2024-05-03T08:10:00Z', run: { runId: ETL_RUN }, job: etl },
  ]) {
    const res = await request(app)
      .post('/api/v1/lineage')
      .type('application/json')
      .send({ producer: PRODUCER, schemaURL: SCHEMA_URL, ...body });
    expect(res.status, res.text).toBe(202);
  }
  const res = await request(app).get('/api/v1/export/openlineage').expect(200);
  expect(res.headers['content-type']).toMatch(/application\/x-ndjson/);
  events = parse(res.text);
  server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await store.close();
});

describe('GET /api/v1/export/openlineage', () => {
  it('emits events the official OpenLineage schema (its root, every format strict) accepts, in time order', () => {
    expect(events.length).toBeGreaterThan(10);
    for (const event of events) expect(officialSchemaErrors(event), JSON.stringify(event)).toEqual([]);
    const times = events.map((event) => event.eventTime);
    expect([...times].sort()).toEqual(times);
  });

  it('a finished workflow execution is a root run with START and COMPLETE; a running one has only START', () => {
    const finished = of(workflowExecutionIri('train-1'));
    expect(finished.map((event) => event.eventType)).toEqual(['START', 'COMPLETE']);
    expect(finished[0]).toMatchObject({ job: { namespace: 'provml', name: 'train-facies' } });
    expect(finished[0]?.run.facets.parent).toBeUndefined();
    expect(of(workflowExecutionIri('train-3')).map((event) => event.eventType)).toEqual(['START']);
  });

  it('a failed task is FAIL with its error in the errorMessage facet, and a child of its workflow run', () => {
    const norm = of(`${ID}wfexec/prep-2/task/norm`);
    expect(norm.map((event) => event.eventType)).toEqual(['START', 'FAIL']);
    expect(norm[1]?.run.facets.errorMessage).toMatchObject({ message: 'NaN in amplitudes' });
    expect(norm[0]?.run.facets.parent).toMatchObject({
      run: { runId: runIdOf(workflowExecutionIri('prep-2')) },
      root: { run: { runId: runIdOf(workflowExecutionIri('prep-2')) } },
    });
    expect(norm[0]?.inputs).toContainEqual({ namespace: 'provml', name: 'parihaka-cube' });
  });

  it('a run that came in as OpenLineage keeps its run id, job and datasets', () => {
    const spark = events.filter((event) => event.run.runId === SPARK_RUN);
    expect(spark.map((event) => event.eventType)).toEqual(['START', 'COMPLETE']);
    expect(spark[1]).toMatchObject({
      job: { namespace: 'spark', name: 'tile_seismic_cube' },
      inputs: [{ namespace: 's3://lake', name: 'raw/parihaka.segy' }],
      outputs: [{ namespace: 's3://lake', name: 'prepared/tiles' }],
    });
    expect(spark[1]?.run.facets.parent).toBeUndefined();
  });

  it('a job that came in as OpenLineage goes out with its own namespace and name, parent facet too', () => {
    const etl = events.filter((event) => event.run.runId === ETL_RUN);
    expect(etl.map((event) => [event.eventType, event.job])).toEqual([
      ['START', { namespace: 'spark-prod', name: 'etl.job' }],
      ['COMPLETE', { namespace: 'spark-prod', name: 'etl.job' }],
    ]);
    for (const event of etl) expect(officialSchemaErrors(event), JSON.stringify(event)).toEqual([]);
    const child = events.filter((event) => event.run.runId === ETL_CHILD_RUN);
    expect(child.map((event) => event.job)).toEqual([
      { namespace: 'spark-prod/stages', name: 'etl.job.write' },
      { namespace: 'spark-prod/stages', name: 'etl.job.write' },
    ]);
    expect(child[0]?.run.facets.parent).toMatchObject({
      run: { runId: ETL_RUN },
      job: { namespace: 'spark-prod', name: 'etl.job' },
      root: { run: { runId: ETL_RUN }, job: { namespace: 'spark-prod', name: 'etl.job' } },
    });
    for (const event of child) expect(officialSchemaErrors(event), JSON.stringify(event)).toEqual([]);
  });

  it('an OpenLineage consumer reads it: a second provml takes every event in through POST /api/v1/lineage', async () => {
    // A second store of its own (on the Virtuoso suite, another test store would empty this file's server).
    const consumer = await openMemoryStore();
    try {
      const other = createApp({ store: consumer, config: defaultConfig(), logger: silentLogger() });
      for (const event of events) {
        const res = await request(other).post('/api/v1/lineage').type('application/json').send(event);
        expect(res.status, JSON.stringify(res.body)).toBe(202);
      }
      const failed = of(`${ID}wfexec/prep-2/task/norm`)[1];
      const root = failed?.run.facets.parent as { root: { run: { runId: string } } };
      expect(
        await askBoolean(
          consumer,
          `ASK { GRAPH ?g { ?task <https://w3id.org/provml#errorMessage> "NaN in amplitudes" ; <https://w3id.org/provml#partOfWorkflowExecution> ?run } FILTER(STRENDS(STR(?run), "${root.root.run.runId}")) }`,
        ),
      ).toBe(true);
    } finally {
      await consumer.close();
    }
  });

  it('a training task that saved a model has that model among its outputs', () => {
    const fit = of(`${ID}wfexec/train-1/task/fit`);
    expect(fit.length).toBeGreaterThan(0);
    expect(fit.flatMap((event) => event.outputs ?? [])).toContainEqual({
      namespace: 's3://models',
      name: 'unet-a.pt',
    });
  });

  it('datasets with a URL location become OpenLineage namespace and name', () => {
    expect(datasetOf('urn:x', 's3://lake/prepared/tiles', 'provml')).toEqual({
      namespace: 's3://lake',
      name: 'prepared/tiles',
    });
    expect(datasetOf('urn:x', undefined, 'provml')).toEqual({ namespace: 'provml', name: 'urn:x' });
    expect(datasetOf('urn:x', 'file:///data/tiles.npz', 'provml')).toEqual({
      namespace: 'file',
      name: '/data/tiles.npz',
    });
    expect(datasetOf(`${ID}data/s3%3A%2F%2Flake%2Ftiles`, undefined, 'provml')).toEqual({
      namespace: 's3://lake',
      name: 'tiles',
    });
  });

  it('restricts to executions or an experiment, sets the namespace, and names a bad parameter', async () => {
    const one = parse(
      (
        await request(app)
          .get('/api/v1/export/openlineage')
          .query({ execution: workflowExecutionIri('train-1'), namespace: 'ml' })
          .expect(200)
      ).text,
    );
    expect(new Set(one.map((event) => event.job.namespace))).toEqual(new Set(['ml']));
    const roots = one.filter((event) => event.run.facets.parent === undefined);
    expect(new Set(roots.map((event) => event.run.runId))).toEqual(
      new Set([runIdOf(workflowExecutionIri('train-1'))]),
    );
    const experiment = parse(
      (
        await request(app)
          .get('/api/v1/export/openlineage')
          .query({ experiment: `${ID}experiment/exp-facies` })
      ).text,
    );
    const experimentRoots = new Set(
      experiment.filter((event) => event.run.facets.parent === undefined).map((event) => event.run.runId),
    );
    expect(experimentRoots).toEqual(
      new Set(['train-1', 'train-2', 'train-3'].map((id) => runIdOf(workflowExecutionIri(id)))),
    );
    const bad = await request(app).get('/api/v1/export/openlineage').query({ execution: 'not an iri' });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/execution/);
    expect((await request(app).get('/api/v1/export/openlineage').query({ graph: 'x' })).status).toBe(400);
  });
});

describe('provml export --openlineage', () => {
  it('writes the same NDJSON from a running server', async () => {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { code, stdout } = await runCli(
      'export',
      '--openlineage',
      '--execution',
      workflowExecutionIri('train-2'),
      '--url',
      url,
    );
    expect(code).toBe(0);
    const lines = parse(stdout);
    expect(lines.length).toBeGreaterThan(2);
    for (const event of lines) expect(officialSchemaErrors(event)).toEqual([]);
    const refused = await runCli('export', '--openlineage', '--model', `${ID}data/unet-a`, '--url', url);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/--execution or --experiment/);
  });
});
