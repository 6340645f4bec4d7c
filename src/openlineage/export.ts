import { validate as isUuid, v5 as uuidV5 } from 'uuid';
import { type Catalog, packageCatalog, runCatalogQuery } from '../query/index.ts';
import type { ProvStore, SelectResult } from '../store/index.ts';
import { packageVersion } from '../version.ts';
import { ID_BASE } from '../vocab.ts';

// Captured executions → OpenLineage RunEvents (spec 2-0-2), so Marquez or any OpenLineage consumer can read
// provml's ML runs. A workflow execution is a root run; each of its tasks (stages, epochs, pipeline steps) a
// child run with the parent facet; a START event at its start and COMPLETE or FAIL at its end (a running
// activity has only its START). Run ids are the activity's own UUID when its id is one (runs that came in as
// OpenLineage), else a name-based UUID (v5) of its IRI: the same run always gets the same id. A job that came
// in as OpenLineage goes out with its own namespace and name (kept on its plan at ingest); provml's own
// workflows and steps are named in the export's namespace.

const SPEC = 'https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent';
const PARENT_FACET = 'https://openlineage.io/spec/facets/1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet';
const ERROR_FACET =
  'https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json#/$defs/ErrorMessageRunFacet';
const PROVML_FACET = 'https://w3id.org/provml/openlineage/ProvmlRunFacet.json';
/** The namespace of provml's name-based run UUIDs (a fixed, random v4). */
const RUN_ID_NAMESPACE = '4f0c5f0e-2b7d-4a3e-9a61-6b1f4f2d9c35';

export interface OpenLineageExportOptions {
  /** Only these workflow executions (IRIs); default all. */
  executions?: string[];
  /** Only the workflow executions of this experiment (IRI). */
  experiment?: string;
  /** The OpenLineage job namespace of provml's workflows and steps (default "provml"); jobs that came in as
   *  OpenLineage keep their own. */
  namespace?: string;
  catalog?: Catalog;
}

type Row = Record<string, string | undefined>;

interface OlJobRef {
  namespace: string;
  name: string;
}

interface OlDatasetRef {
  namespace: string;
  name: string;
}

export interface OpenLineageRunEvent {
  eventType: 'START' | 'COMPLETE' | 'FAIL';
  eventTime: string;
  producer: string;
  schemaURL: string;
  run: { runId: string; facets: Record<string, unknown> };
  job: { namespace: string; name: string };
  inputs: OlDatasetRef[];
  outputs: OlDatasetRef[];
}

/** The run id of an activity IRI: its last segment when that is a UUID, else a v5 UUID of the IRI. */
export function runIdOf(activity: string): string {
  const last = decodeURIComponent(activity.slice(activity.lastIndexOf('/') + 1));
  return isUuid(last) ? last.toLowerCase() : uuidV5(activity, RUN_ID_NAMESPACE);
}

const DATA_BASE = `${ID_BASE}data/`;

/**
 * An OpenLineage dataset for a data reference. Its location, else its provml id (the IRI's last segment), is
 * split as OpenLineage names datasets: `s3://lake/prepared/tiles` is namespace `s3://lake`, name
 * `prepared/tiles`, and `file:///data/tiles.npz` namespace `file`, name `/data/tiles.npz` (so datasets that
 * came in as OpenLineage go out as they came); any other id is a name in the job namespace.
 */
export function datasetOf(data: string, location: string | undefined, namespace: string): OlDatasetRef {
  const id =
    location ?? (data.startsWith(DATA_BASE) ? decodeURIComponent(data.slice(DATA_BASE.length)) : data);
  if (id.startsWith('file:///')) return { namespace: 'file', name: id.slice('file://'.length) };
  const match = /^([a-z][a-z0-9+.-]*:\/\/[^/]+)\/(.+)$/i.exec(id);
  if (match?.[1] && match[2]) return { namespace: match[1], name: match[2] };
  return { namespace, name: id };
}

export async function exportOpenLineage(
  store: ProvStore,
  options: OpenLineageExportOptions = {},
): Promise<OpenLineageRunEvent[]> {
  const catalog = options.catalog ?? (await packageCatalog());
  const namespace = options.namespace ?? 'provml';
  const filter = {
    ...(options.executions?.length ? { execution: options.executions } : {}),
    ...(options.experiment ? { experiment: options.experiment } : {}),
  };
  const activities = mergeByActivity(rows(await runCatalogQuery(store, catalog.get('executions'), filter)));
  const executions = [
    ...new Set(activities.map((row) => row.execution).filter((iri): iri is string => !!iri)),
  ];
  const io =
    executions.length === 0
      ? []
      : rows(await runCatalogQuery(store, catalog.get('execution-data'), { execution: executions }));
  const jobs = new Map<string, string>();
  for (const row of activities)
    if (row.activity && !jobs.has(row.activity)) jobs.set(row.activity, row.name ?? row.activity);
  const original = await openLineageJobs(store, catalog, [...new Set(jobs.values())]);
  const jobOf = (activity: string): OlJobRef => {
    const name = jobs.get(activity) ?? activity;
    return original.get(name) ?? { namespace, name };
  };
  const producer = `https://w3id.org/provml/${packageVersion()}`;
  // A run that came in as an OpenLineage root run is both its workflow execution and a task with the same
  // run id: it goes out once, as the task (which holds its inputs and outputs), without a parent.
  const selfTasks = new Set(
    activities
      .filter(
        (row) =>
          row.kind === 'task' &&
          row.activity &&
          row.execution &&
          runIdOf(row.activity) === runIdOf(row.execution),
      )
      .map((row) => row.execution),
  );
  const events: OpenLineageRunEvent[] = [];
  for (const row of activities) {
    const activity = row.activity;
    if (!activity || !row.started) continue;
    if (row.kind === 'workflow' && selfTasks.has(activity)) continue;
    const inputs = datasets(io, activity, 'used', namespace);
    const outputs = datasets(io, activity, 'generated', namespace);
    const facets: Record<string, unknown> = {
      provml: { _producer: producer, _schemaURL: PROVML_FACET, activity, kind: row.kind },
    };
    const parent =
      row.kind === 'workflow' ||
      (selfTasks.has(row.execution) && runIdOf(activity) === runIdOf(row.execution ?? ''))
        ? undefined
        : (row.parent ?? row.execution);
    if (parent) {
      const root = row.execution ?? parent;
      facets.parent = {
        _producer: producer,
        _schemaURL: PARENT_FACET,
        run: { runId: runIdOf(parent) },
        job: jobOf(parent),
        root: { run: { runId: runIdOf(root) }, job: jobOf(root) },
      };
    }
    const base = {
      producer,
      schemaURL: SPEC,
      job: jobOf(activity),
      inputs,
      outputs,
    };
    events.push({
      ...base,
      eventType: 'START',
      eventTime: isoTime(row.started),
      run: { runId: runIdOf(activity), facets },
    });
    if (row.ended) {
      const failed = row.status === 'failed';
      events.push({
        ...base,
        eventType: failed ? 'FAIL' : 'COMPLETE',
        eventTime: isoTime(row.ended),
        run: {
          runId: runIdOf(activity),
          facets: failed
            ? {
                ...facets,
                errorMessage: {
                  _producer: producer,
                  _schemaURL: ERROR_FACET,
                  message: row.error ?? 'failed',
                  programmingLanguage: 'unknown',
                },
              }
            : facets,
        },
      });
    }
  }
  return events.sort((a, b) => a.eventTime.localeCompare(b.eventTime));
}

/** Bound names per query: the catalog refuses more than 1000 VALUES rows. */
const NAMES_PER_QUERY = 1000;

/**
 * Plan name → the OpenLineage job it came in as, read from the plans' OpenLineage annotations (kept at
 * ingest). Only a job whose namespace/name is the plan's name counts, the first in sorted order when a name
 * was reached from two splits (`a/b` + `c`, `a` + `b/c`), so the answer does not depend on the engine's order.
 */
async function openLineageJobs(
  store: ProvStore,
  catalog: Catalog,
  names: string[],
): Promise<Map<string, OlJobRef>> {
  const candidates = new Map<string, OlJobRef[]>();
  for (let start = 0; start < names.length; start += NAMES_PER_QUERY) {
    const name = names.slice(start, start + NAMES_PER_QUERY);
    for (const row of rows(await runCatalogQuery(store, catalog.get('openlineage-jobs'), { name }))) {
      const job = jobIn(row.annotation);
      if (!row.name || !job || `${job.namespace}/${job.name}` !== row.name) continue;
      candidates.set(row.name, [...(candidates.get(row.name) ?? []), job]);
    }
  }
  const out = new Map<string, OlJobRef>();
  for (const [name, jobs] of candidates) {
    const [first] = jobs.sort(
      (a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name),
    );
    if (first) out.set(name, first);
  }
  return out;
}

function jobIn(annotation: string | undefined): OlJobRef | undefined {
  try {
    const job = (JSON.parse(annotation ?? '') as { openlineage?: { job?: Record<string, unknown> } })
      .openlineage?.job;
    return typeof job?.namespace === 'string' && typeof job.name === 'string'
      ? { namespace: job.namespace, name: job.name }
      : undefined;
  } catch {
    return undefined;
  }
}

/** An ISO time as OpenLineage wants it (RFC 3339); engines may drop the zone of a UTC time. */
function isoTime(time: string): string {
  return new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(time) ? time : `${time}Z`).toISOString();
}

function rows(result: SelectResult): Row[] {
  return result.rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([name, term]) => [name, term.value])),
  );
}

/**
 * One row per activity, each column its first value: an engine may answer an activity in several rows (one
 * with an OPTIONAL matched, one without), and a plan name or error recorded twice must not make two runs.
 */
function mergeByActivity(input: Row[]): Row[] {
  const merged = new Map<string, Row>();
  for (const row of input) {
    if (!row.activity) continue;
    const seen = merged.get(row.activity);
    if (!seen) merged.set(row.activity, { ...row });
    else
      for (const [key, value] of Object.entries(row)) if (seen[key] === undefined && value) seen[key] = value;
  }
  return [...merged.values()];
}

function datasets(io: Row[], activity: string, direction: string, namespace: string): OlDatasetRef[] {
  const out = new Map<string, OlDatasetRef>();
  for (const row of io) {
    if (row.activity !== activity || row.direction !== direction || !row.data || out.has(row.data)) continue;
    out.set(row.data, datasetOf(row.data, row.location, namespace));
  }
  return [...out.values()];
}
