import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLineageDatasetId } from '../../src/capture/index.ts';
import { defaultConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { askBoolean, selectRows } from '../../src/store/index.ts';
import {
  dataIri,
  taskExecutionIri,
  transformationIri,
  workflowExecutionGraph,
} from '../../src/translate/index.ts';
import { officialSchemaErrors } from '../openlineage/official-schema.ts';
import { openTestStore } from '../support/test-store.ts';

// OpenLineage in, what each part becomes: the job a prov:Plan, the run a prov:Activity, the spec's own facet
// examples (spec/tests: SQL, schema, data source, column lineage, error message, parent with root) kept as
// they came, ABORT and OTHER mapped, and a facet nobody knows kept instead of refused.
const FACETS = join(import.meta.dirname, '../fixtures/openlineage/facets');
const PRODUCER = 'https://github.com/OpenLineage/OpenLineage/tree/1.0.0/integration/spark';
const SCHEMA_URL = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const PROV = 'http://www.w3.org/ns/prov#';
const PROVML = 'https://w3id.org/provml#';
const RUN = '0191c2d4-1111-7a2b-8c3d-4e5f60718293';

/** A facet of spec/tests as an event carries it: with the two base fields the core schema requires. */
function facet(file: string): Record<string, Record<string, unknown>> {
  const parsed = JSON.parse(readFileSync(join(FACETS, `${file}.json`), 'utf8')) as Record<
    string,
    Record<string, unknown>
  >;
  return Object.fromEntries(
    Object.entries(parsed).map(([name, body]) => [
      name,
      { _producer: PRODUCER, _schemaURL: `https://openlineage.io/spec/facets/1-0-0/${file}.json`, ...body },
    ]),
  );
}

const OUTPUT = { namespace: 'snowflake://acme', name: 'analytics.customer_discounts' };
const INPUT = { namespace: 'snowflake://acme', name: 'raw.customers' };
const parentFacet = facet('ParentRunFacet-root');
const parentOf = parentFacet.parent as { run: { runId: string }; root: { run: { runId: string } } };
const rootRun = parentOf.root.run.runId;
const parentRun = parentOf.run.runId;

function runEvent(eventType: string, eventTime: string, runFacets: Record<string, unknown> = {}) {
  return {
    eventType,
    eventTime,
    producer: PRODUCER,
    schemaURL: SCHEMA_URL,
    run: { runId: RUN, facets: { ...parentFacet, ...runFacets } },
    job: { namespace: 'snowflake', name: 'discounts.build', facets: facet('SQLJobFacet') },
    inputs: [{ ...INPUT, facets: facet('DatasourceDatasetFacet') }],
    outputs: [
      {
        ...OUTPUT,
        facets: {
          ...facet('SchemaDatasetFacet'),
          ...facet('ColumnLineageDatasetFacet'),
          acme_dataContract: {
            _producer: PRODUCER,
            _schemaURL: 'https://acme.example/Contract.json',
            tier: 1,
          },
        },
      },
    ],
  };
}

let store: ProvStore;
const app = () => createApp({ store, config: defaultConfig(), logger: silentLogger() });
const post = (body: unknown) =>
  request(app())
    .post('/api/v1/lineage')
    .type('application/json')
    .send(body as object);
const graph = workflowExecutionGraph(rootRun);
const task = taskExecutionIri(rootRun, RUN);
const output = dataIri(openLineageDatasetId(OUTPUT));

function jobEvent(job: Record<string, unknown>, datasets: Record<string, unknown>) {
  return {
    eventTime: '2024-06-01T11:00:00Z',
    producer: PRODUCER,
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent',
    job,
    ...datasets,
  };
}

/** The OpenLineage annotations (JSON) a plan carries in any graph, the job's own name first. */
async function planAnnotations(plan: string): Promise<Array<Record<string, unknown>>> {
  const result = await selectRows(
    store,
    `SELECT ?a WHERE { GRAPH ?g { <${plan}> <${PROVML}annotation> ?a } }`,
  );
  return result.rows.map(
    (row) => (JSON.parse(row.a?.value ?? '{}') as { openlineage: Record<string, unknown> }).openlineage,
  );
}

/** The OpenLineage annotations (JSON) a subject carries in the root run's graph. */
async function annotations(subject: string): Promise<Array<Record<string, unknown>>> {
  const result = await selectRows(
    store,
    `SELECT ?a WHERE { GRAPH <${graph}> { <${subject}> <${PROVML}annotation> ?a } }`,
  );
  return result.rows.map(
    (row) => (JSON.parse(row.a?.value ?? '{}') as { openlineage: Record<string, unknown> }).openlineage,
  );
}

beforeEach(async () => {
  store = await openTestStore();
});
afterEach(async () => {
  await store.close();
});

describe('OpenLineage in: what a run event becomes', () => {
  it('the events built from the spec facet examples are valid OpenLineage', () => {
    expect(officialSchemaErrors(runEvent('START', '2024-06-01T10:00:00Z'))).toEqual([]);
  });

  it('the job is a prov:Plan (a data transformation named namespace/name) and the run a prov:Activity executing it', async () => {
    expect((await post(runEvent('START', '2024-06-01T10:00:00Z'))).status).toBe(202);
    const found = await selectRows(
      store,
      `SELECT ?plan ?name WHERE { GRAPH <${graph}> {
         <${task}> a <${PROV}Activity> , <${PROVML}DataTransformationExecution> ; <${PROVML}executionOf> ?plan .
         ?plan a <${PROV}Plan> , <${PROVML}DataTransformation> ; <${PROVML}name> ?name .
       } }`,
    );
    expect(found.rows.map((row) => row.name?.value)).toEqual(['snowflake/discounts.build']);
    // A second run of the same job executes the same plan.
    const other = runEvent('START', '2024-06-02T10:00:00Z');
    other.run = { runId: '0191c2d4-2222-7a2b-8c3d-4e5f60718293', facets: { ...parentFacet } };
    expect((await post(other)).status).toBe(202);
    const plans = await selectRows(
      store,
      `SELECT DISTINCT ?plan WHERE { GRAPH ?g { ?run <${PROVML}executionOf> ?plan . ?plan a <${PROVML}DataTransformation> ; <${PROVML}name> "snowflake/discounts.build" } }`,
    );
    const runs = await selectRows(
      store,
      `SELECT ?run WHERE { GRAPH ?g { ?run <${PROVML}executionOf> <${found.rows[0]?.plan?.value}> } }`,
    );
    expect(plans.rows.map((row) => row.plan?.value)).toEqual([found.rows[0]?.plan?.value]);
    expect(runs.rows).toHaveLength(2);
  });

  it("a root run is a workflow execution of its job's workflow plan", async () => {
    const root = runEvent('START', '2024-06-01T09:00:00Z');
    root.run = { runId: RUN, facets: {} };
    expect((await post(root)).status).toBe(202);
    expect(
      await askBoolean(
        store,
        `ASK { GRAPH <${workflowExecutionGraph(RUN)}> {
           ?execution a <${PROV}Activity> , <${PROVML}WorkflowExecution> ; <${PROV}startedAtTime> ?start ;
             <${PROVML}executionOf> ?workflow .
           ?workflow a <${PROV}Plan> ; <${PROVML}name> "snowflake/discounts.build" .
         } }`,
      ),
    ).toBe(true);
  });

  it('the parent facet with root: the run goes into the root run’s graph and is informed by its parent', async () => {
    expect((await post(runEvent('START', '2024-06-01T10:00:00Z'))).status).toBe(202);
    expect(
      await askBoolean(
        store,
        `ASK { GRAPH <${graph}> { <${task}> <${PROV}wasInformedBy> <${taskExecutionIri(rootRun, parentRun)}> } }`,
      ),
    ).toBe(true);
  });

  it('keeps the SQL job facet, the run facets and every dataset facet exactly as sent; the schema facet gives the features', async () => {
    const sent = runEvent('FAIL', '2024-06-01T10:30:00Z', facet('ErrorMessageRunFacet'));
    expect((await post(sent)).status).toBe(202);
    const [onTask] = await annotations(task);
    expect(onTask?.jobFacets).toEqual(sent.job.facets);
    expect(onTask?.runFacets).toEqual(sent.run.facets);
    const onOutput = await annotations(output);
    expect(onOutput.map((entry) => entry.facets)).toContainEqual(sent.outputs[0]?.facets);
    const onInput = await annotations(dataIri(openLineageDatasetId(INPUT)));
    expect(onInput.map((entry) => entry.facets)).toContainEqual(sent.inputs[0]?.facets);
    const features = await selectRows(
      store,
      `SELECT ?name WHERE { GRAPH <${graph}> { <${output}> <${PROVML}hasFeature>/<${PROVML}name> ?name } }`,
    );
    const schema = facet('SchemaDatasetFacet').schema as { fields: Array<{ name: string }> };
    const fields = schema.fields.map((field) => field.name);
    expect(features.rows.map((row) => row.name?.value).sort()).toEqual([...fields].sort());
    const status = await selectRows(
      store,
      `SELECT ?status ?error WHERE { GRAPH <${graph}> { <${task}> <${PROVML}hasStatus> ?status ; <${PROVML}errorMessage> ?error } }`,
    );
    expect(status.rows.map((row) => [row.status?.value, row.error?.value])).toEqual([
      [`${PROVML}Failed`, 'failed'],
    ]);
  });

  it('ABORT ends the run as failed with the reason; OTHER adds inputs and facets without a time or status', async () => {
    expect((await post(runEvent('START', '2024-06-01T10:00:00Z'))).status).toBe(202);
    const other = runEvent('OTHER', '2024-06-01T10:10:00Z', {
      acme_progress: { _producer: PRODUCER, _schemaURL: 'https://acme.example/Progress.json', percent: 40 },
    });
    other.inputs.push({ namespace: 's3://lake', name: 'lookup/regions', facets: {} });
    expect((await post(other)).status).toBe(202);
    expect(
      await askBoolean(
        store,
        `ASK { GRAPH <${graph}> { <${task}> <${PROV}used> <${dataIri('s3://lake/lookup/regions')}> } }`,
      ),
    ).toBe(true);
    const ends = await selectRows(
      store,
      `SELECT ?end WHERE { GRAPH <${graph}> { <${task}> <${PROV}endedAtTime> ?end } }`,
    );
    expect(ends.rows).toHaveLength(0);
    expect((await annotations(task)).some((entry) => JSON.stringify(entry).includes('acme_progress'))).toBe(
      true,
    );
    const abort = runEvent('ABORT', '2024-06-01T10:20:00Z', {
      errorMessage: { _producer: PRODUCER, _schemaURL: SCHEMA_URL, message: 'cancelled by operator' },
    });
    expect((await post(abort)).status).toBe(202);
    const status = await selectRows(
      store,
      `SELECT ?status ?error WHERE { GRAPH <${graph}> { <${task}> <${PROV}endedAtTime> ?end ; <${PROVML}hasStatus> ?status ; <${PROVML}errorMessage> ?error } }`,
    );
    expect(status.rows.map((row) => [row.status?.value, row.error?.value])).toEqual([
      [`${PROVML}Failed`, 'aborted: cancelled by operator'],
    ]);
  });

  it('a JobEvent that only reads is its job as a prov:Plan, with its facets and the data it reads', async () => {
    const job = { namespace: 'snowflake', name: 'discounts.audit', facets: facet('SQLJobFacet') };
    const sent = jobEvent(job, { inputs: [INPUT] });
    expect(officialSchemaErrors(sent)).toEqual([]);
    expect((await post(sent)).status).toBe(202);
    const plan = transformationIri('snowflake/discounts.audit');
    expect((await planAnnotations(plan)).map((entry) => entry.job)).toEqual([job]);
    const declared = await selectRows(
      store,
      `SELECT ?role ?data WHERE { GRAPH ?g { <${plan}> <${PROVML}hasAttribute> ?attribute .
         ?attribute <${PROVML}role> ?role ; <${PROV}wasInfluencedBy> ?data } }`,
    );
    expect(declared.rows.map((row) => [row.role?.value, row.data?.value])).toEqual([
      ['input', dataIri(openLineageDatasetId(INPUT))],
    ]);
  });

  it('a JobEvent naming no dataset is kept as its prov:Plan; re-sent it changes nothing; a later run executes that plan', async () => {
    const job = {
      namespace: 'airflow',
      name: 'nightly.report',
      facets: {
        ...facet('SQLJobFacet'),
        acme_owner: { _producer: PRODUCER, _schemaURL: 'https://acme.example/Owner.json', team: 'data' },
      },
    };
    const sent = jobEvent(job, {});
    expect(officialSchemaErrors(sent)).toEqual([]);
    expect((await post(sent)).status).toBe(202);
    const plan = transformationIri('airflow/nightly.report');
    const planFacts = await selectRows(
      store,
      `SELECT ?name WHERE { GRAPH ?g { <${plan}> a <${PROV}Plan> , <${PROVML}DataTransformation> ; <${PROVML}name> ?name } }`,
    );
    expect(planFacts.rows.map((row) => row.name?.value)).toEqual(['airflow/nightly.report']);
    expect(await planAnnotations(plan)).toEqual([
      { job, producer: PRODUCER, eventTime: '2024-06-01T11:00:00Z' },
    ]);
    const before = await selectRows(store, 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }');
    const again = await post(sent);
    expect(again.status).toBe(202);
    const after = await selectRows(store, 'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }');
    expect(after.rows[0]?.n?.value).toBe(before.rows[0]?.n?.value);
    const runId = '0191c2d4-3333-7a2b-8c3d-4e5f60718293';
    const start = {
      eventType: 'START',
      eventTime: '2024-06-02T01:00:00Z',
      producer: PRODUCER,
      schemaURL: SCHEMA_URL,
      run: { runId },
      job: { namespace: 'airflow', name: 'nightly.report' },
    };
    expect((await post(start)).status).toBe(202);
    expect(
      await askBoolean(
        store,
        `ASK { GRAPH ?g { <${taskExecutionIri(runId, runId)}> <${PROVML}executionOf> <${plan}> } }`,
      ),
    ).toBe(true);
  });
});
