import { randomUUID } from 'node:crypto';
import type {
  AttributeMap,
  CaptureEvent,
  EventSchemaVersion,
  EventType,
  LiteralValue,
} from '../capture/index.ts';
import {
  assignDefined,
  type Body,
  errorText,
  ID_STEM,
  merge,
  now,
  RECORDED_AT,
  SEQUENCE,
  sectionOf,
} from './event-fields.ts';
import { closeOnExit, forgetOnClose } from './exit-flush.ts';
import { MetricEvent } from './metric-event.ts';
import type {
  CallBase,
  DatasetInfo,
  MetricOptions,
  ModelInfo,
  TaskEnd,
  TaskOptions,
  TaskScope,
  TaskStart,
  WorkflowEnd,
  WorkflowStart,
} from './recorder-types.ts';
import type { DeliveryOptions, DeliverySummary, EventSink } from './sink.ts';
import { runTask } from './task.ts';
import type { Warner } from './warnings.ts';

// Type-only imports keep the capture layer's validator (ajv, compiled at load) out of the user's process; the
// annotation makes a schema version bump a compile error here.
const EVENT_SCHEMA_VERSION: EventSchemaVersion = 'provml/1';
const NO_OPTIONS: MetricOptions = Object.freeze({});

interface OpenTask {
  name: string;
  workflowExecutionId: string;
  startedAt: string;
  start: TaskStart;
  hyperparameters?: Record<string, LiteralValue>;
  used?: AttributeMap;
  generated?: AttributeMap;
}

export interface RecorderIdentity {
  workflowExecutionId?: string;
  idPrefix?: string;
  user?: string;
  persona?: string;
  host: string;
  /** Recorded as the process of workflow and task events; null: none. */
  pid?: number | null;
}

/**
 * Records provenance events. Every call builds an event and hands it to the sink's in-memory buffer, then
 * returns: no I/O on the caller's path, and no exception ever reaches the caller (faults become warnings).
 */
export class Recorder {
  private readonly prefix: string;
  private readonly eventIdStem: string;
  private counter = 0;
  private currentWorkflow: string | undefined;
  private readonly openTasks = new Map<string, OpenTask>();

  constructor(
    private readonly sink: EventSink,
    private readonly warner: Warner,
    private readonly identity: RecorderIdentity,
  ) {
    this.prefix = identity.idPrefix ?? randomUUID().slice(0, 8);
    this.eventIdStem = `e-${this.prefix}-`;
    closeOnExit(this);
  }

  /** Starts a workflow execution and makes it the default of later calls; returns its id. */
  workflowStarted(input: WorkflowStart): string {
    const id = input.workflowExecutionId ?? randomUUID();
    this.guard('workflowStarted', () => {
      this.currentWorkflow = id;
      this.emit(
        'workflow.started',
        { ...whoOf(input), time: input.time, workflowExecutionId: id, annotations: input.annotations },
        {
          name: input.name,
          version: input.version,
          study: typeof input.study === 'string' ? { id: input.study } : input.study,
          experiment: typeof input.experiment === 'string' ? { id: input.experiment } : input.experiment,
          parentWorkflowExecutionId: input.parentWorkflowExecutionId,
        },
        true,
      );
    });
    return id;
  }

  workflowEnded(input: WorkflowEnd = {}): void {
    this.guard('workflowEnded', () => {
      const workflowExecutionId = this.workflowOf(input);
      const status = input.status ?? (input.error === undefined ? 'finished' : 'failed');
      this.emit('workflow.ended', input, { status, error: errorText(input.error) }, true);
      if (this.currentWorkflow === workflowExecutionId) this.currentWorkflow = undefined;
    });
  }

  /** Starts a task (data transformation or learning stage); returns its id. */
  taskStarted(input: TaskStart): string {
    const taskId = input.taskId ?? this.nextId('t');
    this.guard('taskStarted', () => {
      const time = input.time ?? now();
      const workflowExecutionId = this.workflowOf(input);
      this.openTasks.set(taskId, { name: input.name, workflowExecutionId, startedAt: time, start: input });
      const body: Body<'task.started'> = {
        name: input.name,
        taskId,
        parentTaskId: input.parentTaskId,
        stage: input.stage,
        section: sectionOf(input),
        used: input.used,
        hyperparameters: input.hyperparameters,
        algorithm: input.algorithm,
        learningTask: input.learningTask,
        telemetry: input.telemetry,
      };
      const call = { ...whoOf(input), time, workflowExecutionId, annotations: input.annotations };
      this.emit('task.started', call, body, true);
    });
    return taskId;
  }

  /** Ends a task; status defaults to 'failed' when an error is given, else 'finished'. */
  taskEnded(input: TaskEnd): void {
    this.guard('taskEnded', () => {
      const open = this.openTasks.get(input.taskId);
      if (!open) {
        this.warner.once(
          'unknown-task',
          `provml client: taskEnded for unknown task '${input.taskId}' was ignored.`,
        );
        return;
      }
      this.openTasks.delete(input.taskId);
      const status = input.status ?? (input.error === undefined ? 'finished' : 'failed');
      const start = open.start;
      const body: Body<'task.ended'> = {
        name: start.name,
        taskId: input.taskId,
        parentTaskId: start.parentTaskId,
        stage: start.stage,
        section: sectionOf(start),
        algorithm: start.algorithm,
        learningTask: start.learningTask,
        used: merge(open.used, input.used),
        hyperparameters: open.hyperparameters,
        generated: merge(open.generated, input.generated),
        metrics: input.metrics,
        telemetry: input.telemetry,
        status,
        error: errorText(input.error),
        startedAt: open.startedAt,
        stdout: input.stdout,
        stderr: input.stderr,
      };
      const call = {
        ...whoOf({ ...start, ...whoOf(input) }),
        time: input.time,
        workflowExecutionId: open.workflowExecutionId,
        annotations: input.annotations,
      };
      this.emit('task.ended', call, body, true);
    });
  }

  /** Hyperparameters of a task (default: the innermost open task), reported on its end event. */
  logHyperparameters(
    values: Record<string, LiteralValue>,
    options: { taskId?: string } & CallBase = {},
  ): void {
    this.guard('logHyperparameters', () => {
      const open = this.openTask(options.taskId ?? this.innermostTask(this.workflowOf(options)));
      if (!open) {
        this.warner.once(
          'no-task',
          'provml client: logHyperparameters needs an open task (taskStarted or task()).',
        );
        return;
      }
      open.hyperparameters = { ...open.hyperparameters, ...values };
    });
  }

  /** A measured value (loss, accuracy, …), recorded at once as an evaluation, e.g. per epoch. */
  logMetric(name: string, value: number, options: MetricOptions = NO_OPTIONS): void {
    // The busiest call of a training loop: one fixed-shape object, no closure, no generic event (see MetricEvent).
    try {
      const workflowExecutionId = this.workflowOf(options);
      const taskId = options.taskId ?? this.innermostTask(workflowExecutionId);
      const open = this.openTask(taskId);
      // Inside a section's task (an epoch), a metric belongs to that section unless told otherwise.
      let section = options.section ?? undefined;
      let epoch = section === undefined ? options.epoch : undefined;
      if (section === undefined && epoch === undefined && open) {
        section = open.start.section ?? undefined;
        if (section === undefined) epoch = open.start.epoch;
      }
      const time = options.time;
      this.counter += 1;
      this.sink.push(
        new MetricEvent(
          this.eventIdStem,
          this.counter,
          time,
          time === undefined ? Date.now() : 0,
          workflowExecutionId,
          name,
          value,
          taskId,
          options.stage ?? open?.start.stage,
          section,
          epoch,
          options.modelId,
          options.datasetId,
          options.annotations,
        ),
      );
    } catch (error) {
      this.warner.fault('logMetric', error);
    }
  }

  /** A saved model (or checkpoint when `epoch` is set); returns its data reference id. */
  modelSaved(input: ModelInfo = {}): string {
    const modelId = input.modelId ?? this.nextId('model');
    this.guard('modelSaved', () => {
      const { workflowExecutionId: _w, time: _t, annotations: _a, ...fields } = input;
      this.emit('model.saved', input, {
        ...fields,
        modelId,
        taskId: input.taskId ?? this.innermostTask(this.workflowOf(input)),
      });
    });
    return modelId;
  }

  /** A dataset (raw, domain, learning data or a split); returns its data reference id. */
  datasetRegistered(input: DatasetInfo): string {
    const datasetId = input.datasetId ?? this.nextId('dataset');
    this.guard('datasetRegistered', () => {
      const { workflowExecutionId: _w, time: _t, annotations: _a, ...fields } = input;
      this.emit('dataset.registered', input, { ...fields, datasetId });
    });
    return datasetId;
  }

  /** Runs `fn` as a task: started, then finished, or failed with the error's text (the error is rethrown). */
  task<T>(name: string, fn: (scope: TaskScope) => T, options: TaskOptions = {}): T {
    return runTask(this, name, fn, options);
  }

  /** Waits until every event recorded so far is delivered, or the deadline passes. Never throws. */
  async flush(options?: DeliveryOptions): Promise<DeliverySummary> {
    return this.sink.flush(options).catch((error: unknown) => this.failedSummary('flush', error));
  }

  /** Delivers what it can before the deadline, keeps the rest in the spill file, stops the background timer. */
  async close(options?: DeliveryOptions): Promise<DeliverySummary> {
    forgetOnClose(this);
    return this.sink.close(options).catch((error: unknown) => this.failedSummary('close', error));
  }

  private emit<T extends EventType>(type: T, call: CallBase, body: Body<T>, withWho = false): void {
    // `id` and `time` keep their places in the text; the sender writes them from numbers (stamped()).
    this.counter += 1;
    const event: Record<string | symbol, unknown> = {
      type,
      schema: EVENT_SCHEMA_VERSION,
      id: undefined,
      time: call.time,
      workflowExecutionId: this.workflowOf(call),
      [ID_STEM]: this.eventIdStem,
      [SEQUENCE]: this.counter,
    };
    if (call.time === undefined) event[RECORDED_AT] = Date.now();
    assignDefined(event, body);
    if (withWho) {
      // A call may name who ran it and where (one recorder capturing several people's workflows).
      const user = call.user ?? this.identity.user;
      const persona = call.persona ?? this.identity.persona;
      const host = call.host ?? this.identity.host;
      if (user !== undefined) event.user = user;
      if (persona !== undefined) event.persona = persona;
      event.host = host;
      const pid = this.identity.pid === undefined ? process.pid : this.identity.pid;
      if (pid !== null) event.pid = pid;
    }
    if (call.annotations) event.annotations = call.annotations;
    this.sink.push(event as unknown as CaptureEvent);
  }

  private workflowOf(call: CallBase): string {
    const id = call.workflowExecutionId ?? this.currentWorkflow ?? this.identity.workflowExecutionId;
    if (id !== undefined) return id;
    this.identity.workflowExecutionId = randomUUID();
    return this.identity.workflowExecutionId;
  }

  private openTask(taskId: string | undefined): OpenTask | undefined {
    return taskId === undefined ? undefined : this.openTasks.get(taskId);
  }

  /** The most recently started task still open in that workflow execution. */
  private innermostTask(workflowExecutionId: string): string | undefined {
    let found: string | undefined;
    for (const [taskId, open] of this.openTasks)
      if (open.workflowExecutionId === workflowExecutionId) found = taskId;
    return found;
  }

  /** @internal the workflow execution of an open task (for task scopes). */
  workflowOfTask(taskId: string): string | undefined {
    return this.openTasks.get(taskId)?.workflowExecutionId;
  }

  /** @internal used by task scopes */
  addToTask(taskId: string, field: 'used' | 'generated', values: AttributeMap): void {
    this.guard(field, () => {
      const open = this.openTasks.get(taskId);
      if (open) open[field] = { ...open[field], ...values };
    });
  }

  private nextId(kind: string): string {
    this.counter += 1;
    return `${kind}-${this.prefix}-${this.counter}`;
  }

  private guard(call: string, body: () => void): void {
    try {
      body();
    } catch (error) {
      this.warner.fault(call, error);
    }
  }

  private failedSummary(call: string, error: unknown): DeliverySummary {
    this.warner.fault(call, error);
    return { complete: false, delivered: 0, triples: 0, rejected: 0, pending: 0, spilled: 0 };
  }
}

/** The who/where fields a call names (absent ones are left out, so the recorder's identity applies). */
function whoOf(call: CallBase): Pick<CallBase, 'user' | 'persona' | 'host'> {
  const who: Pick<CallBase, 'user' | 'persona' | 'host'> = {};
  if (call.user !== undefined) who.user = call.user;
  if (call.persona !== undefined) who.persona = call.persona;
  if (call.host !== undefined) who.host = call.host;
  return who;
}
