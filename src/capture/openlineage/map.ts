import {
  type AttributeMap,
  type CaptureEvent,
  type DatasetKind,
  type DatasetRegisteredEvent,
  EVENT_SCHEMA_VERSION,
  type PlanDeclaredEvent,
} from '../events.ts';
import type { OlDataset, OlDatasetEvent, OlJob, OlJobEvent, OlRunEvent } from './types.ts';

// OpenLineage → provml events. Every OpenLineage run is a task (a data transformation execution) inside the
// workflow execution of its root run (the parent facet's root, else its parent, else itself), so an Airflow
// DAG run, its tasks and the Spark jobs they start land in one graph and the parent facet becomes
// prov:wasInformedBy. A root run is also that workflow execution. Datasets are data references whose id is
// the OpenLineage dataset's `namespace/name`, so a dataset written by a pipeline and read by a captured
// training (`{ ref: 's3://lake/tiles', kind: 'dataset' }`) is one node. A job is the data transformation
// (prov:Plan) its runs execute, named `namespace/name`: every event declares it (plan.declared) with the
// job's own namespace and name in its annotation, so an export names the job as it came, and a JobEvent's
// facets, inputs and outputs are kept on it. Event ids derive from the run id (or job), event type and time:
// a re-sent OpenLineage event yields the same provml events.

export interface OpenLineageOptions {
  /** The PROV-ML kind given to datasets that OpenLineage describes (default domain: pipeline data). */
  datasetKind: DatasetKind;
}

/**
 * The provml data reference id of an OpenLineage dataset: its namespace and name joined by one slash
 * (`s3://lake` + `prepared/tiles` → `s3://lake/prepared/tiles`), except a local file (namespace `file`, name
 * its absolute path, as OpenLineage names them), whose id is its file URL (`file:///data/tiles.npz`), the
 * reference a captured training writes for the same file.
 */
export function datasetId(dataset: Pick<OlDataset, 'namespace' | 'name'>): string {
  if (dataset.namespace === 'file' && dataset.name.startsWith('/')) return `file://${dataset.name}`;
  const namespace = dataset.namespace.endsWith('/') ? dataset.namespace.slice(0, -1) : dataset.namespace;
  const name = dataset.name.startsWith('/') ? dataset.name.slice(1) : dataset.name;
  return `${namespace}/${name}`;
}

/** The name of a job's data transformation (the prospective plan shared by its runs). */
export function jobName(job: Pick<OlJob, 'namespace' | 'name'>): string {
  return `${job.namespace}/${job.name}`;
}

/** OpenLineage event times may lack a zone (then UTC, as the Python client means it) or carry an offset. */
export function utcTime(time: string): string {
  const zoned = /(Z|[+-]\d\d:?\d\d)$/i.test(time) ? time : `${time}Z`;
  return new Date(zoned).toISOString();
}

export function mapRunEvent(event: OlRunEvent, options: OpenLineageOptions): CaptureEvent[] {
  const runId = event.run.runId;
  const parent = event.run.facets?.parent;
  const root = parent?.root ?? parent;
  const workflowExecutionId = root?.run.runId ?? runId;
  const type = event.eventType ?? 'OTHER';
  const base = {
    schema: EVENT_SCHEMA_VERSION,
    time: utcTime(event.eventTime),
    workflowExecutionId,
    annotations: {
      openlineage: {
        eventType: type,
        eventTime: event.eventTime,
        producer: event.producer,
        ...(event.run.facets ? { runFacets: event.run.facets } : {}),
        ...(event.job.facets ? { jobFacets: event.job.facets } : {}),
      },
    },
  };
  const idOf = (part: string): string => `openlineage:${runId}:${type}:${event.eventTime}:${part}`;
  const task = {
    ...base,
    taskId: runId,
    name: jobName(event.job),
    ...(parent ? { parentTaskId: parent.run.runId } : {}),
    used: references(event.inputs),
    generated: references(event.outputs),
  };
  const error = errorText(event);
  const out: CaptureEvent[] = [
    {
      schema: EVENT_SCHEMA_VERSION,
      time: base.time,
      workflowExecutionId,
      type: 'plan.declared',
      id: idOf('plan'),
      name: task.name,
      annotations: { openlineage: { job: { namespace: event.job.namespace, name: event.job.name } } },
    },
  ];
  if (!root) {
    if (type === 'START')
      out.push({ ...base, type: 'workflow.started', id: idOf('workflow'), name: task.name });
    if (ENDS.has(type))
      out.push({
        ...base,
        type: 'workflow.ended',
        id: idOf('workflow'),
        name: task.name,
        status: type === 'COMPLETE' ? 'finished' : 'failed',
        ...(error ? { error } : {}),
      });
  }
  if (type === 'START') out.push({ ...task, type: 'task.started', id: idOf('task') });
  else if (ENDS.has(type))
    out.push({
      ...task,
      type: 'task.ended',
      id: idOf('task'),
      status: type === 'COMPLETE' ? 'finished' : 'failed',
      ...(error ? { error } : {}),
    });
  else out.push({ ...task, type: 'task.updated', id: idOf('task') });
  for (const dataset of mergeDatasets([...(event.inputs ?? []), ...(event.outputs ?? [])])) {
    const registered = registration(dataset, options, { ...base, id: idOf(`dataset:${datasetId(dataset)}`) });
    if (registered) out.push({ ...registered, taskId: runId });
  }
  return out;
}

/** A job without a run (static lineage): its plan with facets, inputs and outputs; outputs derived from inputs. */
export function mapJobEvent(event: OlJobEvent, options: OpenLineageOptions): CaptureEvent[] {
  const base = {
    schema: EVENT_SCHEMA_VERSION,
    time: utcTime(event.eventTime),
    workflowExecutionId: `openlineage/${jobName(event.job)}`,
  };
  const idOf = (part: string): string => `openlineage:job:${jobName(event.job)}:${event.eventTime}:${part}`;
  const inputs = event.inputs ?? [];
  const outputs = event.outputs ?? [];
  const ids = (datasets: OlDataset[]): string[] => [...new Set(datasets.map(datasetId))];
  const plan: PlanDeclaredEvent = {
    ...base,
    type: 'plan.declared',
    id: idOf('plan'),
    name: jobName(event.job),
    ...(inputs.length > 0 ? { inputs: ids(inputs) } : {}),
    ...(outputs.length > 0 ? { outputs: ids(outputs) } : {}),
    annotations: { openlineage: { job: event.job, producer: event.producer, eventTime: event.eventTime } },
  };
  const out: CaptureEvent[] = [plan];
  // The dataset events are as they were before plan.declared existed (the job on the data too), so an event
  // recorded by an earlier version and sent again is the same content, not a conflict.
  for (const output of mergeDatasets(outputs)) {
    const derivedFrom = inputs
      .filter((input) => datasetId(input) !== datasetId(output))
      .map((input) => ({ ref: datasetId(input), kind: options.datasetKind }));
    out.push({
      ...base,
      ...describeDataset(output, options),
      id: idOf(datasetId(output)),
      ...(derivedFrom.length > 0 ? { derivedFrom } : {}),
      annotations: { openlineage: { job: event.job, producer: event.producer, facets: allFacets(output) } },
    });
  }
  const outputIds = new Set(outputs.map(datasetId));
  for (const input of mergeDatasets(inputs).filter((dataset) => !outputIds.has(datasetId(dataset)))) {
    const registered =
      outputIds.size === 0
        ? {
            ...base,
            ...describeDataset(input, options),
            id: idOf(datasetId(input)),
            annotations: {
              openlineage: { job: event.job, producer: event.producer, facets: allFacets(input) },
            },
          }
        : registration(input, options, { ...base, id: idOf(datasetId(input)) });
    if (registered) out.push(registered);
  }
  return out;
}

export function mapDatasetEvent(event: OlDatasetEvent, options: OpenLineageOptions): CaptureEvent[] {
  return [
    {
      schema: EVENT_SCHEMA_VERSION,
      time: utcTime(event.eventTime),
      workflowExecutionId: `openlineage/${event.dataset.namespace}`,
      id: `openlineage:dataset:${datasetId(event.dataset)}:${event.eventTime}`,
      ...describeDataset(event.dataset, options),
      annotations: { openlineage: { producer: event.producer, facets: allFacets(event.dataset) } },
    },
  ];
}

const ENDS = new Set(['COMPLETE', 'FAIL', 'ABORT']);

function references(datasets: OlDataset[] | undefined): AttributeMap {
  const out: AttributeMap = {};
  for (const dataset of datasets ?? [])
    out[datasetId(dataset)] = { ref: datasetId(dataset), kind: 'dataset' };
  return out;
}

/** One entry per dataset id, facets merged: a dataset read and written by one run is registered once. */
function mergeDatasets(datasets: OlDataset[]): OlDataset[] {
  const merged = new Map<string, OlDataset>();
  for (const dataset of datasets) {
    const seen = merged.get(datasetId(dataset));
    merged.set(
      datasetId(dataset),
      seen
        ? {
            ...seen,
            facets: { ...seen.facets, ...dataset.facets },
            inputFacets: { ...seen.inputFacets, ...dataset.inputFacets },
            outputFacets: { ...seen.outputFacets, ...dataset.outputFacets },
          }
        : dataset,
    );
  }
  return [...merged.values()];
}

function errorText(event: OlRunEvent): string | undefined {
  const message = event.run.facets?.errorMessage?.message;
  if (event.eventType === 'ABORT') return message ? `aborted: ${message}` : 'aborted';
  return event.eventType === 'FAIL' ? (message ?? 'failed') : undefined;
}

/** A dataset registration for a dataset that carries facets (a bare reference needs none). */
function registration(
  dataset: OlDataset,
  options: OpenLineageOptions,
  base: { schema: typeof EVENT_SCHEMA_VERSION; time: string; workflowExecutionId: string; id: string },
): DatasetRegisteredEvent | undefined {
  const facets = allFacets(dataset);
  if (Object.keys(facets).length === 0) return undefined;
  return { ...base, ...describeDataset(dataset, options), annotations: { openlineage: { facets } } };
}

/** The dataset as a provml registration; the schema and statistics facets become mapped properties. */
function describeDataset(
  dataset: OlDataset,
  options: OpenLineageOptions,
): Pick<
  DatasetRegisteredEvent,
  'type' | 'datasetId' | 'kind' | 'name' | 'location' | 'features' | 'sampleCount' | 'sizeBytes'
> {
  const facets = allFacets(dataset);
  const fields = facets.schema?.fields;
  const statistics = (facets.outputStatistics ?? facets.inputStatistics) as
    | { rowCount?: unknown; size?: unknown }
    | undefined;
  return {
    type: 'dataset.registered',
    datasetId: datasetId(dataset),
    kind: options.datasetKind,
    name: dataset.name,
    location: datasetId(dataset),
    ...(Array.isArray(fields) && fields.length > 0
      ? {
          features: fields
            .map((field) => field.name)
            .filter((name): name is string => typeof name === 'string' && name.length > 0),
        }
      : {}),
    ...(isCount(statistics?.rowCount) ? { sampleCount: statistics.rowCount } : {}),
    ...(isCount(statistics?.size) ? { sizeBytes: statistics.size } : {}),
  };
}

function allFacets(dataset: OlDataset): OlDataset['facets'] & Record<string, unknown> {
  return { ...(dataset.facets ?? {}), ...(dataset.inputFacets ?? {}), ...(dataset.outputFacets ?? {}) };
}

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}
