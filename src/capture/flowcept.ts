import {
  type AttributeMap,
  type CaptureEvent,
  EVENT_SCHEMA_VERSION,
  type EventError,
  type Telemetry,
  type ValidationResult,
} from './events.ts';
import { notABatch, validateOne } from './validate.ts';

// Flowcept task/workflow messages → provml events. Event ids derive from the Flowcept ids, the message's status
// and the phase, so a message mapped twice yields the same events (re-sending it changes nothing). A task's
// RUNNING and FINISHED messages both describe its start, each as much as it knew (the FINISHED one also names
// what was generated, telemetry at end, …): their start events get different ids (…:running:started,
// …:finished:started), so they never conflict with each other as two versions of one event would; what both
// say meets in the same task node.

type Message = Record<string, unknown>;

const TASK_CONSUMED = new Set([
  'type',
  'task_id',
  'workflow_id',
  'activity_id',
  'parent_task_id',
  'used',
  'generated',
  'started_at',
  'ended_at',
  'utc_timestamp',
  'status',
  'stdout',
  'stderr',
  'user',
  'hostname',
]);
const WORKFLOW_CONSUMED = new Set([
  'type',
  'workflow_id',
  'parent_workflow_id',
  'campaign_id',
  'name',
  'user',
  'utc_timestamp',
]);
const ENDED = new Set(['FINISHED', 'ERROR']);
const STATUSES = new Set(['SUBMITTED', 'WAITING', 'RUNNING', 'FINISHED', 'ERROR', 'UNKNOWN']);

/** Maps Flowcept messages to provml events; every unusable message is reported with its index. */
export function fromFlowcept(messages: unknown): ValidationResult {
  if (!Array.isArray(messages)) return notABatch('Flowcept messages');
  const events: CaptureEvent[] = [];
  const errors: EventError[] = [];
  messages.forEach((message, index) => {
    const mapped = mapMessage(message, index);
    if ('errors' in mapped) {
      errors.push(...mapped.errors);
      return;
    }
    for (const event of mapped.events) {
      // A mapped event that breaks the provml schema is reported against the Flowcept message it came from.
      const findings = validateOne(event, index);
      errors.push(
        ...findings.map((f) => ({
          ...f,
          message: `${f.message} (in the provml ${event.type} event mapped from it)`,
        })),
      );
      events.push(event);
    }
  });
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, events };
}

function mapMessage(message: unknown, index: number): { events: CaptureEvent[] } | { errors: EventError[] } {
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return {
      errors: [{ index, path: '', message: 'must be an object (a Flowcept task or workflow message)' }],
    };
  }
  const m = message as Message;
  if (m.type === 'task') return mapTask(m, index);
  if (m.type === 'workflow') return mapWorkflow(m, index);
  return { errors: [{ index, path: '/type', message: 'must be "task" or "workflow"' }] };
}

function mapTask(m: Message, index: number): { events: CaptureEvent[] } | { errors: EventError[] } {
  const errors: EventError[] = [];
  const taskId = requireId(m, 'task_id', index, errors);
  const workflowExecutionId = idOf(m.workflow_id) ?? idOf(m.campaign_id);
  if (workflowExecutionId === undefined) {
    errors.push({
      index,
      path: '/workflow_id',
      message: 'is required (it names the workflow execution graph)',
    });
  }
  const status = m.status === undefined ? 'UNKNOWN' : m.status;
  if (typeof status !== 'string' || !STATUSES.has(status)) {
    errors.push({ index, path: '/status', message: `must be one of ${[...STATUSES].join(', ')}` });
  }
  const startedAt =
    epochField(m, 'started_at', index, errors) ?? epochField(m, 'submitted_at', index, errors);
  const endedAt = epochField(m, 'ended_at', index, errors);
  const stamp = epochField(m, 'utc_timestamp', index, errors);
  if (errors.length > 0 || taskId === undefined || workflowExecutionId === undefined) return { errors };

  const base = {
    schema: EVENT_SCHEMA_VERSION,
    workflowExecutionId,
    taskId,
    name: idOf(m.activity_id) ?? 'unnamed-task',
    ...optional('parentTaskId', idOf(m.parent_task_id)),
    ...optional('user', idOf(m.user)),
    ...optional('host', idOf(m.hostname) ?? idOf(m.node_name)),
    ...optional('used', attributes(m.used)),
    ...optional('generated', attributes(m.generated)),
    ...optional('annotations', leftovers(m, TASK_CONSUMED)),
  };
  const events: CaptureEvent[] = [];
  const startTime = startedAt ?? (ENDED.has(status as string) ? undefined : stamp);
  if (startTime !== undefined) {
    const telemetry = flowceptTelemetry(m.telemetry_at_start);
    events.push({
      ...base,
      type: 'task.started',
      id: `flowcept:task:${taskId}:${phaseOf(status as string)}:started`,
      time: startTime,
      ...optional('telemetry', telemetry),
    });
  }
  if (ENDED.has(status as string)) {
    const failed = status === 'ERROR';
    const stderr = typeof m.stderr === 'string' ? m.stderr : undefined;
    events.push({
      ...base,
      type: 'task.ended',
      id: `flowcept:task:${taskId}:${phaseOf(status as string)}:ended`,
      time: endedAt ?? stamp ?? startedAt ?? '',
      status: failed ? 'failed' : 'finished',
      ...optional('error', failed ? (stderr ?? 'Flowcept reported status ERROR') : undefined),
      ...optional('startedAt', startedAt),
      ...optional('stdout', typeof m.stdout === 'string' ? m.stdout : undefined),
      ...optional('stderr', stderr),
      ...optional('telemetry', flowceptTelemetry(m.telemetry_at_end)),
    });
  }
  if (events.length === 0) {
    return {
      errors: [{ index, path: '/started_at', message: 'is required, or utc_timestamp (Unix epoch seconds)' }],
    };
  }
  return { events };
}

function mapWorkflow(m: Message, index: number): { events: CaptureEvent[] } | { errors: EventError[] } {
  const errors: EventError[] = [];
  const workflowId = requireId(m, 'workflow_id', index, errors);
  const time = epochField(m, 'utc_timestamp', index, errors);
  if (time === undefined && errors.length === 0) {
    errors.push({ index, path: '/utc_timestamp', message: 'is required (Unix epoch seconds)' });
  }
  if (errors.length > 0 || workflowId === undefined || time === undefined) return { errors };
  const campaign = idOf(m.campaign_id);
  return {
    events: [
      {
        type: 'workflow.started',
        schema: EVENT_SCHEMA_VERSION,
        id: `flowcept:workflow:${workflowId}:started`,
        time,
        workflowExecutionId: workflowId,
        name: idOf(m.name) ?? 'unnamed-workflow',
        ...optional('user', idOf(m.user)),
        ...optional('parentWorkflowExecutionId', idOf(m.parent_workflow_id)),
        // A Flowcept campaign groups the workflows of one purpose: the learning experiment the runs belong to.
        ...optional('experiment', campaign === undefined ? undefined : { id: campaign }),
        ...optional('annotations', leftovers(m, WORKFLOW_CONSUMED)),
      },
    ],
  };
}

/** The message's status as a segment of the event ids mapped from it. */
const phaseOf = (status: string): string => status.toLowerCase();

function requireId(m: Message, field: string, index: number, errors: EventError[]): string | undefined {
  const id = idOf(m[field]);
  if (id === undefined)
    errors.push({ index, path: `/${field}`, message: 'is required (a non-empty string or number)' });
  return id;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

/** Flowcept times are Unix epoch seconds as floats; provml wants ISO-8601 UTC. */
function epochField(m: Message, field: string, index: number, errors: EventError[]): string | undefined {
  const value = m[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 253402300799) {
    errors.push({ index, path: `/${field}`, message: 'must be Unix epoch seconds (a number)' });
    return undefined;
  }
  return new Date(Math.round(value * 1000)).toISOString();
}

/** Free-form Flowcept dicts: plain values pass, nested structures become JSON strings, nulls are dropped. */
function attributes(value: unknown): AttributeMap | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const out: AttributeMap = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
    else if (typeof v === 'string' || typeof v === 'boolean') out[key] = v;
    else if (v !== null && v !== undefined) out[key] = JSON.stringify(v);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function flowceptTelemetry(value: unknown): Telemetry | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const t = value as { cpu?: { percent_all?: unknown }; memory?: { virtual?: { used?: unknown } } };
  const out: Telemetry = {};
  const cpu = t.cpu?.percent_all;
  const memory = t.memory?.virtual?.used;
  if (typeof cpu === 'number' && cpu >= 0) out.cpuPercent = cpu;
  if (typeof memory === 'number' && memory >= 0) out.memoryBytes = memory;
  return Object.keys(out).length > 0 ? out : undefined;
}

function leftovers(m: Message, consumed: Set<string>): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(m)) {
    if (!consumed.has(key) && value !== undefined && value !== null) out[key] = value;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
