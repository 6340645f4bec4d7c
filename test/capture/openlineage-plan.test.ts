import { describe, expect, it } from 'vitest';
import { type CaptureEvent, fromOpenLineage, validateBatch } from '../../src/capture/index.ts';
import { transformationIri, translate } from '../../src/translate/index.ts';

// OpenLineage job → plan.declared: a JobEvent's job, with or without datasets, and the job of every RunEvent
// declare one plan, the data transformation the runs execute.
const PRODUCER = 'https://github.com/apache/spark/tree/v3.5.0';
const JOB = {
  namespace: 'spark-prod',
  name: 'etl.job',
  facets: {
    acme_owner: { _producer: PRODUCER, _schemaURL: 'https://acme.example/Owner.json', team: 'data' },
  },
};

function mapped(event: Record<string, unknown>): CaptureEvent[] {
  const result = fromOpenLineage({ producer: PRODUCER, eventTime: '2024-06-01T11:00:00Z', ...event });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.events;
}

const jobEvent = (datasets: Record<string, unknown> = {}) =>
  mapped({
    schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/JobEvent',
    job: JOB,
    ...datasets,
  });

describe('OpenLineage job → plan.declared', () => {
  it('a JobEvent naming no dataset is one plan declaration with the job and its facets', () => {
    expect(jobEvent()).toEqual([
      {
        type: 'plan.declared',
        schema: 'provml/1',
        id: 'openlineage:job:spark-prod/etl.job:2024-06-01T11:00:00Z:plan',
        time: '2024-06-01T11:00:00.000Z',
        workflowExecutionId: 'openlineage/spark-prod/etl.job',
        name: 'spark-prod/etl.job',
        annotations: { openlineage: { job: JOB, producer: PRODUCER, eventTime: '2024-06-01T11:00:00Z' } },
      },
    ]);
  });

  it('declares the inputs and outputs by their data reference ids, once each', () => {
    const [plan] = jobEvent({
      inputs: [
        { namespace: 's3://lake', name: 'raw/a' },
        { namespace: 's3://lake', name: 'raw/a' },
      ],
      outputs: [{ namespace: 'file', name: '/data/out.parquet' }],
    });
    expect(plan).toMatchObject({ inputs: ['s3://lake/raw/a'], outputs: ['file:///data/out.parquet'] });
  });

  it('a RunEvent of the job declares the same plan its task executes, with the job namespace and name', () => {
    const events = mapped({
      eventType: 'START',
      schemaURL: 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent',
      run: { runId: '0191b7a1-5f7e-7c3a-9d1e-4a2b6c8d0e22' },
      job: { namespace: 'spark-prod', name: 'etl.job' },
    });
    const plan = events.find((event) => event.type === 'plan.declared');
    const task = events.find((event) => event.type === 'task.started');
    expect(plan).toMatchObject({
      name: 'spark-prod/etl.job',
      annotations: { openlineage: { job: { namespace: 'spark-prod', name: 'etl.job' } } },
    });
    expect(task).toMatchObject({ name: 'spark-prod/etl.job' });
    const planIri = transformationIri('spark-prod/etl.job');
    const fromJob = translate(jobEvent()).filter((quad) => quad.subject.value === planIri);
    const fromRun = translate(events).filter(
      (quad) => quad.object.value === planIri && quad.predicate.value.endsWith('#executionOf'),
    );
    expect(fromJob.length).toBeGreaterThan(2);
    expect(fromRun).toHaveLength(1);
  });
});

describe('plan.declared validation', () => {
  it('needs a name; inputs and outputs are lists of non-empty ids; each problem named by its field', () => {
    const base = {
      type: 'plan.declared',
      schema: 'provml/1',
      id: 'p1',
      time: '2024-06-01T11:00:00Z',
      workflowExecutionId: 'w',
    };
    expect(validateBatch([{ ...base, name: 'etl', inputs: ['a'], outputs: [] }]).ok).toBe(true);
    const bad = validateBatch([{ ...base, inputs: ['', 3] }]);
    expect(bad.ok ? [] : bad.errors.map((error) => error.path).sort()).toEqual([
      '/inputs/0',
      '/inputs/1',
      '/name',
    ]);
  });
});
