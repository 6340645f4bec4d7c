import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLineageDatasetId } from '../../src/capture/index.ts';
import { type Config, defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { packageCatalog, runCatalogQuery } from '../../src/query/index.ts';
import { createApp, settledWrites } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { askBoolean, selectRows } from '../../src/store/index.ts';
import { dataIri, taskExecutionIri, workflowExecutionGraph } from '../../src/translate/index.ts';
import { officialSchemaErrors } from '../openlineage/official-schema.ts';
import { openTestStore } from '../support/test-store.ts';

// OpenLineage in: the spec's own example events, a Spark-style pipeline writing a dataset that a provml
// training reads, the lineage question across both, and the rules (schema, all or nothing, idempotent).
const FIXTURES = join(import.meta.dirname, '../fixtures/openlineage');
const example = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(join(FIXTURES, `${name}.json`), 'utf8')) as Record<string, unknown>;
const EXAMPLES = [
  'spec_start_event',
  'spec_tests_example_full_event',
  'example_full_event',
  'serde_example_run_event',
  'serde_example_job_event',
  'serde_example_dataset_event',
];
const PRODUCER = 'https://github.com/apache/spark/tree/v3.5.0';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const SPARK_RUN = '0191b7a1-5f7e-7c3a-9d1e-4a2b6c8d0e11';
const RAW = { namespace: 's3://lake', name: 'raw/parihaka.segy' };
const TILES = { namespace: 's3://lake', name: 'prepared/tiles' };

let store: ProvStore;

function appWith(overrides: Partial<Config> = {}) {
  return createApp({ store, config: { ...defaultConfig(), ...overrides }, logger: silentLogger() });
}

const quads = async (): Promise<number> => (await store.stats()).quads;
const post = (body: unknown, app = appWith()) =>
  request(app)
    .post('/api/v1/lineage')
    .type('application/json')
    .send(body as object);

function sparkEvent(eventType: string, eventTime: string, extra: Record<string, unknown> = {}) {
  return {
    eventType,
    eventTime,
    producer: PRODUCER,
    schemaURL: SCHEMA_URL,
    run: { runId: SPARK_RUN, ...(extra.run as object) },
    job: { namespace: 'spark', name: 'tile_seismic_cube' },
    inputs: [
      {
        ...RAW,
        facets: { dataSource: { _producer: PRODUCER, _schemaURL: SCHEMA_URL, name: 's3', uri: 's3://lake' } },
      },
    ],
    outputs: [
      {
        ...TILES,
        facets: {
          schema: {
            _producer: PRODUCER,
            _schemaURL: SCHEMA_URL,
            fields: [
              { name: 'amplitude', type: 'FLOAT' },
              { name: 'inline', type: 'INT' },
            ],
          },
          myCompany_tileGrid: {
            _producer: PRODUCER,
            _schemaURL: 'https://example.org/facets/TileGrid.json',
            size: 64,
          },
        },
        outputFacets: {
          outputStatistics: { _producer: PRODUCER, _schemaURL: SCHEMA_URL, rowCount: 6000, size: 98304 },
        },
      },
    ],
    ...Object.fromEntries(Object.entries(extra).filter(([key]) => key !== 'run')),
  };
}

beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await store.close();
});

describe('POST /api/v1/lineage (OpenLineage in)', () => {
  it("the fixtures are the spec's: the official schema accepts them, the Python client's only lacking a time zone", () => {
    for (const name of ['spec_start_event', 'spec_tests_example_full_event', 'example_full_event'])
      expect(officialSchemaErrors(example(name)), name).toEqual([]);
    // The Python client's serde examples write eventTime without a zone ("2021-11-03T10:53:52.427343"), which
    // the server reads as UTC (its one leniency); with a zone added the schema accepts them as they are.
    for (const name of [
      'serde_example_run_event',
      'serde_example_job_event',
      'serde_example_dataset_event',
    ]) {
      const event = example(name);
      expect(
        officialSchemaErrors(event).some((error) => error.startsWith('/eventTime')),
        name,
      ).toBe(true);
      expect(officialSchemaErrors({ ...event, eventTime: `${String(event.eventTime)}Z` }), name).toEqual([]);
    }
  });

  it("accepts each of the spec's example events, and a re-send changes nothing", async () => {
    const app = appWith();
    for (const name of EXAMPLES) {
      const first = await post(example(name), app);
      expect(first.status, `${name}: ${JSON.stringify(first.body)}`).toBe(202);
      await settledWrites(app);
      const after = await quads();
      expect(after, name).toBeGreaterThan(0);
      expect((await post(example(name), app)).status).toBe(202);
      await settledWrites(app);
      expect(await quads(), `${name} re-sent`).toBe(after);
    }
  });

  it('accepts an array of events (all or nothing) and the same events on /api/v1/events?format=openlineage', async () => {
    const events = [example('spec_start_event'), example('example_full_event')];
    const res = await request(appWith())
      .post('/api/v1/events?format=openlineage')
      .type('application/json')
      .send(events);
    expect(res.status).toBe(202);
    expect(res.body.messages).toBe(2);
  });

  it('refuses an event that breaks the OpenLineage schema with 400 naming the field, and writes nothing of its batch', async () => {
    const before = await quads();
    const noRunId = { ...example('spec_start_event'), run: {} };
    const badType = { ...example('spec_start_event'), eventType: 'FINISHED' };
    const res = await post([example('example_full_event'), noRunId, badType]);
    expect(res.status).toBe(400);
    expect(res.body.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ index: 1, path: '/run/runId' }),
        expect.objectContaining({ index: 2, path: '/eventType' }),
      ]),
    );
    expect(await quads()).toBe(before);
    const noProducer = { ...example('serde_example_dataset_event') };
    delete noProducer.producer;
    const missing = await post(noProducer);
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0]).toMatchObject({ path: '/producer' });
    expect((await post(null)).status).toBe(400);
  });

  it('maps a run: START and COMPLETE set start, end and status; datasets are data references named namespace/name', async () => {
    expect((await post(sparkEvent('START', '2024-05-02T08:00:00.000Z'))).status).toBe(202);
    expect((await post(sparkEvent('RUNNING', '2024-05-02T08:05:00Z'))).status).toBe(202);
    expect((await post(sparkEvent('COMPLETE', '2024-05-02T08:30:00+00:00'))).status).toBe(202);
    const graph = workflowExecutionGraph(SPARK_RUN);
    const task = taskExecutionIri(SPARK_RUN, SPARK_RUN);
    const tiles = dataIri(openLineageDatasetId(TILES));
    const result = await selectRows(
      store,
      `PREFIX prov: <http://www.w3.org/ns/prov#> PREFIX provml: <https://w3id.org/provml#>
       SELECT ?start ?end ?status ?rows WHERE { GRAPH <${graph}> {
         <${task}> prov:startedAtTime ?start ; prov:endedAtTime ?end ; provml:hasStatus ?status ; prov:used ?raw .
         <${tiles}> prov:wasGeneratedBy <${task}> .
         OPTIONAL { <${tiles}> provml:sampleCount ?rows }
       } }`,
    );
    expect(result.rows).toHaveLength(1);
    expect(Date.parse(result.rows[0]?.start?.value ?? '')).toBe(Date.parse('2024-05-02T08:00:00Z'));
    expect(Date.parse(result.rows[0]?.end?.value ?? '')).toBe(Date.parse('2024-05-02T08:30:00Z'));
    expect(result.rows[0]).toMatchObject({
      status: { value: 'https://w3id.org/provml#Finished' },
      rows: { value: '6000' },
    });
    // The RUNNING event added no second start, and the unknown facet is kept, not a reason to refuse.
    const starts = await selectRows(
      store,
      `SELECT ?s WHERE { GRAPH <${graph}> { <${task}> <http://www.w3.org/ns/prov#startedAtTime> ?s } }`,
    );
    expect(starts.rows).toHaveLength(1);
    expect(
      await askBoolean(
        store,
        `ASK { GRAPH <${graph}> { ?x <https://w3id.org/provml#annotation> ?a FILTER(CONTAINS(STR(?a), "myCompany_tileGrid")) } }`,
      ),
    ).toBe(true);
  });

  it('FAIL records the failed status and the errorMessage facet; the parent facet puts a child run in its root run', async () => {
    const parentRun = '0191b7a1-0000-7000-8000-000000000001';
    const child = sparkEvent('FAIL', '2024-05-02T09:00:00Z', {
      run: {
        facets: {
          parent: {
            _producer: PRODUCER,
            _schemaURL: SCHEMA_URL,
            run: { runId: parentRun },
            job: { namespace: 'airflow', name: 'seismic_dag.tile' },
          },
          errorMessage: {
            _producer: PRODUCER,
            _schemaURL: SCHEMA_URL,
            message: 'executor lost',
            programmingLanguage: 'JAVA',
          },
        },
      },
    });
    expect((await post(child)).status).toBe(202);
    const failed = await runCatalogQuery(store, (await packageCatalog()).get('failed-tasks'), {});
    expect(failed.rows.map((row) => [row.task?.value, row.error?.value])).toContainEqual([
      taskExecutionIri(parentRun, SPARK_RUN),
      'executor lost',
    ]);
    expect(
      await askBoolean(
        store,
        `ASK { GRAPH <${workflowExecutionGraph(parentRun)}> { <${taskExecutionIri(parentRun, SPARK_RUN)}> <http://www.w3.org/ns/prov#wasInformedBy> <${taskExecutionIri(parentRun, parentRun)}> } }`,
      ),
    ).toBe(true);
  });

  it.each([
    ['an S3 object', TILES, 's3://lake/prepared/tiles'],
    [
      'a local file',
      { namespace: 'file', name: '/data/prepared/tiles.npz' },
      'file:///data/prepared/tiles.npz',
    ],
  ])(
    "a pipeline's dataset (%s) read by a provml training is one node: model-lineage reaches the Spark job's inputs",
    async (_kind, written, reference) => {
      const outputs = [{ ...written, facets: {} }];
      expect((await post(sparkEvent('START', '2024-05-02T08:00:00Z', { outputs }))).status).toBe(202);
      expect((await post(sparkEvent('COMPLETE', '2024-05-02T08:30:00Z', { outputs }))).status).toBe(202);
      // The training names the data as a provml user would, by its URL.
      const training = [
        { type: 'workflow.started', name: 'train-unet', id: 'tr-1' },
        {
          type: 'task.started',
          id: 'tr-2',
          taskId: 'fit',
          name: 'train',
          stage: 'training',
          used: { tiles: { ref: reference, kind: 'dataset' } },
        },
        {
          type: 'task.ended',
          id: 'tr-3',
          taskId: 'fit',
          name: 'train',
          stage: 'training',
          status: 'finished',
        },
        { type: 'model.saved', id: 'tr-4', modelId: 'unet-ol', taskId: 'fit' },
        { type: 'workflow.ended', id: 'tr-5', status: 'finished' },
      ].map((event, index) => ({
        schema: 'provml/1',
        time: `2024-05-03T10:0${index}:00Z`,
        workflowExecutionId: 'train-ol',
        ...event,
      }));
      const sent = await request(appWith()).post('/api/v1/events').type('application/json').send(training);
      expect(sent.status).toBe(202);
      expect(
        await askBoolean(
          store,
          `ASK { GRAPH ?g { <${dataIri(reference)}> <http://www.w3.org/ns/prov#wasGeneratedBy> <${taskExecutionIri(SPARK_RUN, SPARK_RUN)}> } }`,
        ),
      ).toBe(true);
      const lineage = await runCatalogQuery(store, (await packageCatalog()).get('model-lineage'), {
        model: dataIri('unet-ol'),
      });
      const ancestors = lineage.rows.map((row) => row.ancestor?.value);
      expect(ancestors).toEqual(
        expect.arrayContaining([dataIri(reference), dataIri(openLineageDatasetId(RAW))]),
      );
    },
  );

  it('JobEvent (static lineage) derives outputs from inputs; datasetKind chooses their PROV-ML kind', async () => {
    const res = await request(appWith())
      .post('/api/v1/lineage?datasetKind=raw')
      .type('application/json')
      .send(example('serde_example_job_event'));
    expect(res.status).toBe(202);
    const output = dataIri(openLineageDatasetId({ namespace: 'openlineage', name: 'dataset_b' }));
    const input = dataIri(openLineageDatasetId({ namespace: 'openlineage', name: 'dataset_a' }));
    expect(
      await askBoolean(
        store,
        `ASK { GRAPH ?g { <${output}> <http://www.w3.org/ns/prov#wasDerivedFrom> <${input}> } }`,
      ),
    ).toBe(true);
    expect(
      await askBoolean(store, `ASK { GRAPH ?g { <${output}> a <https://w3id.org/provml#RawData> } }`),
    ).toBe(true);
    expect(
      (await request(appWith()).post('/api/v1/lineage?datasetKind=gold').type('application/json').send({}))
        .status,
    ).toBe(400);
  });

  it('needs the bearer token when the server has one, as the OpenLineage HTTP transport sends it', async () => {
    const app = appWith({ token: 'ol-secret' });
    expect((await post(example('spec_start_event'), app)).status).toBe(401);
    const ok = await request(app)
      .post('/api/v1/lineage')
      .set('authorization', 'Bearer ol-secret')
      .type('application/json')
      .send(example('spec_start_event'));
    expect(ok.status).toBe(202);
  });
});
