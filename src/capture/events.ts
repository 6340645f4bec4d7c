// The capture wire format, version "provml/1": plain JSON events, no RDF here.
// The JSON Schema in events.schema.json is the published twin of these types; keep them in step.

export const EVENT_SCHEMA_VERSION = 'provml/1' as const;
export type EventSchemaVersion = typeof EVENT_SCHEMA_VERSION;

export const EVENT_TYPES = [
  'workflow.started',
  'workflow.ended',
  'task.started',
  'task.updated',
  'task.ended',
  'model.saved',
  'evaluation',
  'dataset.registered',
  'plan.declared',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** A plain value of an attribute, hyperparameter or metric. Integers become xsd:integer, other numbers xsd:double. */
export type LiteralValue = number | string | boolean;

/** A measured value (evaluation, metric): a number, or NaN / ±infinity in XSD spelling (JSON has no such numbers). */
export type MeasureValue = number | 'NaN' | 'INF' | '-INF';

/** What an attribute means to the learning: turns it into a hyperparameter value, a model evaluation, … */
export const ATTRIBUTE_ROLES = ['hyperparameter', 'metric', 'model', 'dataset'] as const;
export type AttributeRole = (typeof ATTRIBUTE_ROLES)[number];

/** What a data reference points at. Every reference id shares one IRI space, so a ref "tiles-v1" here is the
 *  same node as dataset.registered "tiles-v1" or model.saved "tiles-v1" in any workflow execution. */
export const DATA_KINDS = ['dataset', 'model', 'file', 'checkpoint', 'other'] as const;
export type DataKind = (typeof DATA_KINDS)[number];

/** A literal with a declared role, e.g. `{ value: 0.001, role: 'hyperparameter' }`. */
export interface RoleValue {
  value: LiteralValue;
  role?: AttributeRole;
}
/** A reference to a data item kept elsewhere, e.g. `{ ref: 'tiles-train-v3', kind: 'dataset' }`. */
export interface DataRef {
  ref: string;
  kind: DataKind;
  role?: AttributeRole;
}
/** An IRI of a domain entity in an external knowledge graph, e.g. `{ uri: 'https://kg.example/formation/42' }`. */
export interface DomainEntityRef {
  uri: string;
  role?: AttributeRole;
}
export type AttributeValue = LiteralValue | RoleValue | DataRef | DomainEntityRef;
/** Attribute name → value. */
export type AttributeMap = Record<string, AttributeValue>;

export const STAGES = ['training', 'validation', 'evaluation'] as const;
export type Stage = (typeof STAGES)[number];

export const SECTION_KINDS = ['epoch', 'batch', 'fold'] as const;
export type SectionKind = (typeof SECTION_KINDS)[number];
export interface Section {
  kind: SectionKind;
  /** 0- or 1-based as the user counts; stored as given (xsd:integer). */
  index: number;
}

export const DATASET_KINDS = ['raw', 'domain', 'learning', 'training', 'validation', 'test'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];

export interface Telemetry {
  cpuPercent?: number;
  gpuPercent?: number;
  memoryBytes?: number;
}

export interface NamedRef {
  id: string;
  name?: string;
}

export type EndStatus = 'finished' | 'failed';

/** Fields every event carries. */
export interface EventBase<T extends EventType> {
  type: T;
  schema: EventSchemaVersion;
  /** Names this event within its workflow execution: the same event re-sent changes nothing; other content under
   *  the same id is refused (409) unless replacement is asked for (docs/capture-idempotency.md). */
  id: string;
  /** ISO-8601 date-time, UTC (e.g. new Date().toISOString()). */
  time: string;
  /** Every event belongs to one workflow execution = one named graph. */
  workflowExecutionId: string;
  /** The person or account who ran it. */
  user?: string;
  /** The role the user acted in, e.g. "ML engineer", "domain scientist". */
  persona?: string;
  host?: string;
  pid?: number;
  /** Free-form extras; kept as provml:annotation (as are unknown top-level fields). */
  annotations?: Record<string, unknown>;
}

export interface WorkflowStartedEvent extends EventBase<'workflow.started'> {
  /** Workflow name + version identify the prospective definition, shared across runs. */
  name: string;
  version?: string;
  study?: NamedRef;
  experiment?: NamedRef;
  parentWorkflowExecutionId?: string;
  /** Accepted, not recorded: a start has no status ("still running" = started and not ended). */
  status?: 'running';
}

export interface WorkflowEndedEvent extends EventBase<'workflow.ended'> {
  name?: string;
  version?: string;
  status: EndStatus;
  error?: string;
}

interface TaskFields {
  /** Unique within the workflow execution. */
  taskId: string;
  /** The data transformation (prospective step definition), shared across runs. Required on both events so
   *  task.ended is complete without task.started. */
  name: string;
  parentTaskId?: string;
  stage?: Stage;
  /** Makes the task a section (epoch, batch, fold) of its parent task. */
  section?: Section;
  used?: AttributeMap;
  generated?: AttributeMap;
  /** Shorthand: `hyperparameters: { lr: 0.1 }` ≡ `used: { lr: { value: 0.1, role: 'hyperparameter' } }`. */
  hyperparameters?: Record<string, LiteralValue>;
  /** Shorthand: `metrics: { loss: 0.3 }` ≡ `generated: { loss: { value: 0.3, role: 'metric' } }`. */
  metrics?: Record<string, MeasureValue>;
  /** Learning algorithm name (e.g. "U-Net"), for learning stages. */
  algorithm?: string;
  /** ML task addressed (e.g. "segmentation"). */
  learningTask?: string;
  telemetry?: Telemetry;
}

export interface TaskStartedEvent extends EventBase<'task.started'>, TaskFields {
  /** Accepted, not recorded: a start has no status ("still running" = started and not ended). */
  status?: 'running';
}

/** More of what a task used and generated, or annotations, while it runs: no time or status is recorded. */
export interface TaskUpdatedEvent extends EventBase<'task.updated'>, TaskFields {}

export interface TaskEndedEvent extends EventBase<'task.ended'>, TaskFields {
  status: EndStatus;
  error?: string;
  /** Start time, when the sender knows it (lets task.ended stand alone). */
  startedAt?: string;
  stdout?: string;
  stderr?: string;
}

export interface ModelSavedEvent extends EventBase<'model.saved'> {
  /** Data reference id of the model (same IRI space as `{ ref, kind: 'model' }`). */
  modelId: string;
  name?: string;
  location?: string;
  checksum?: string;
  sizeBytes?: number;
  /** The task (usually the training stage) that produced it. */
  taskId?: string;
  /** Set for a checkpoint saved at this epoch. */
  epoch?: number;
  /** Data reference ids it was derived from (e.g. the training data). */
  derivedFrom?: string[];
}

export interface EvaluationEvent extends EventBase<'evaluation'> {
  /** Measure name, e.g. "loss", "accuracy", "iou". */
  measure: string;
  /** A model evaluation is numeric (the data shapes require it). */
  value: MeasureValue;
  modelId?: string;
  /** Data reference id of the data evaluated on. */
  datasetId?: string;
  /** The task that measured it. */
  taskId?: string;
  stage?: Stage;
  /** E.g. `{ kind: 'epoch', index: 3 }`. */
  section?: Section;
}

export interface DerivedFromRef {
  ref: string;
  kind: DatasetKind;
}

export interface DatasetRegisteredEvent extends EventBase<'dataset.registered'> {
  /** Data reference id (same IRI space as `{ ref, kind: 'dataset' }`). */
  datasetId: string;
  kind: DatasetKind;
  name?: string;
  location?: string;
  checksum?: string;
  sizeBytes?: number;
  /** Source data reference ids; with a kind (domain/raw) also yields provml:derivedFromDomainData. */
  derivedFrom?: Array<string | DerivedFromRef>;
  /** IRIs of domain entities in external knowledge graphs. */
  domainEntities?: string[];
  sampleCount?: number;
  features?: string[];
  /** Other characteristics: name → value (class balance, value ranges, …). */
  characteristics?: Record<string, LiteralValue>;
  /** The task that produced it. */
  taskId?: string;
}

/** A data transformation (the prospective plan that task events of the same `name` execute) declared on its
 *  own, before or without any run: e.g. an OpenLineage JobEvent. */
export interface PlanDeclaredEvent extends EventBase<'plan.declared'> {
  /** The plan's name, as task events give it: the same node as every task.* event with this `name`. */
  name: string;
  /** Data reference ids the plan reads (same IRI space as `{ ref, kind: 'dataset' }`). */
  inputs?: string[];
  /** Data reference ids the plan writes. */
  outputs?: string[];
}

export type CaptureEvent =
  | WorkflowStartedEvent
  | WorkflowEndedEvent
  | TaskStartedEvent
  | TaskUpdatedEvent
  | TaskEndedEvent
  | ModelSavedEvent
  | EvaluationEvent
  | DatasetRegisteredEvent
  | PlanDeclaredEvent;

/** The event of a given type, e.g. EventOf<'task.ended'>. */
export type EventOf<T extends EventType> = Extract<CaptureEvent, { type: T }>;

/** What a caller supplies; `schema` is filled in by builders. */
export type EventInput<T extends EventType> = Omit<EventOf<T>, 'schema'> & { schema?: EventSchemaVersion };

/** One validation finding: which event (0-based index in the batch, or line - 1 for NDJSON), which field
 *  (JSON pointer inside the event), and what was expected. index -1 = the batch itself. */
export interface EventError {
  index: number;
  path: string;
  message: string;
}

export type ValidationResult =
  | {
      ok: true;
      events: CaptureEvent[];
      /** Where a batch held metric series (series.ts): the index of the item each event came from. */
      sources?: number[];
    }
  | { ok: false; errors: EventError[] };
