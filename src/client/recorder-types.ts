import type {
  AttributeMap,
  DatasetRegisteredEvent,
  EndStatus,
  EventBase,
  LiteralValue,
  ModelSavedEvent,
  NamedRef,
  Section,
  Stage,
  Telemetry,
} from '../capture/index.ts';

/** Common optional fields of every call. */
export interface CallBase {
  /** The workflow execution this belongs to (default: the last one started by this recorder). */
  workflowExecutionId?: string;
  /** ISO-8601 UTC time of the fact (default: now). */
  time?: string;
  annotations?: Record<string, unknown>;
  /** Who ran it and where, for workflow and task events (default: the recorder's user, persona and host). */
  user?: string;
  persona?: string;
  host?: string;
}

export interface WorkflowStart extends CallBase {
  name: string;
  version?: string;
  /** A study (series of experiments) and an experiment this execution belongs to: an id or { id, name }. */
  study?: string | NamedRef;
  experiment?: string | NamedRef;
  parentWorkflowExecutionId?: string;
}

export interface WorkflowEnd extends CallBase {
  status?: EndStatus;
  /** Error text (an Error's message) for a failed workflow. */
  error?: unknown;
}

export interface TaskStart extends CallBase {
  name: string;
  /** Unique within the workflow execution (default: generated). */
  taskId?: string;
  parentTaskId?: string;
  stage?: Stage;
  /** Makes the task a section of its parent, e.g. { kind: 'epoch', index: 3 }; `epoch: 3` is the shorthand. */
  section?: Section;
  epoch?: number;
  used?: AttributeMap;
  hyperparameters?: Record<string, LiteralValue>;
  algorithm?: string;
  learningTask?: string;
  telemetry?: Telemetry;
}

export interface TaskEnd extends Omit<CallBase, 'workflowExecutionId'> {
  taskId: string;
  status?: EndStatus;
  error?: unknown;
  used?: AttributeMap;
  generated?: AttributeMap;
  metrics?: Record<string, number>;
  telemetry?: Telemetry;
  stdout?: string;
  stderr?: string;
}

export interface MetricOptions extends CallBase {
  epoch?: number;
  section?: Section;
  stage?: Stage;
  /** The task that measured it (default: the innermost open task of the workflow execution). */
  taskId?: string;
  modelId?: string;
  datasetId?: string;
}

/** The fields of a `model.saved` event; the id is generated and the task defaults to the innermost open one. */
export type ModelInfo = CallBase &
  Omit<ModelSavedEvent, keyof EventBase<'model.saved'> | 'modelId'> & { modelId?: string };

/** The fields of a `dataset.registered` event; the id is generated when not given. */
export type DatasetInfo = CallBase &
  Omit<DatasetRegisteredEvent, keyof EventBase<'dataset.registered'> | 'datasetId'> & { datasetId?: string };

export type TaskOptions = Omit<TaskStart, 'name'>;

/** What a function wrapped by `recorder.task()` receives: records into its own task. */
export interface TaskScope {
  readonly taskId: string;
  readonly workflowExecutionId: string;
  logMetric(
    name: string,
    value: number,
    options?: Omit<MetricOptions, 'taskId' | 'workflowExecutionId'>,
  ): void;
  logHyperparameters(values: Record<string, LiteralValue>): void;
  /** Adds inputs / outputs reported on the task's end event. */
  used(values: AttributeMap): void;
  generated(values: AttributeMap): void;
  /** A child task (parentTaskId = this task). */
  task<T>(name: string, fn: (scope: TaskScope) => T, options?: TaskOptions): T;
}
