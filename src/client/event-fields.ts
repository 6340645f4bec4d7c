import type { AttributeMap, EventOf, EventType } from '../capture/index.ts';
import type { TaskStart } from './recorder-types.ts';

// Small pure helpers that shape event fields for the recorder.

/** The fields of an event that the caller's call supplies (the recorder adds type, schema, id, time, execution). */
export type Body<T extends EventType> = Omit<
  EventOf<T>,
  'type' | 'schema' | 'id' | 'time' | 'workflowExecutionId'
>;

export function taskFields(input: TaskStart): Partial<Body<'task.started'>> & { name: string } {
  return {
    name: input.name,
    parentTaskId: input.parentTaskId,
    stage: input.stage,
    section: input.section ?? (input.epoch === undefined ? undefined : { kind: 'epoch', index: input.epoch }),
    used: input.used,
    hyperparameters: input.hyperparameters,
    algorithm: input.algorithm,
    learningTask: input.learningTask,
    telemetry: input.telemetry,
  };
}

export function merge(a: AttributeMap | undefined, b: AttributeMap | undefined): AttributeMap | undefined {
  return a || b ? { ...a, ...b } : undefined;
}

export function errorText(error: unknown): string | undefined {
  if (error === undefined) return undefined;
  if (error instanceof Error) return error.stack?.split('\n')[0] ?? `${error.name}: ${error.message}`;
  return typeof error === 'string' ? error : String(error);
}

/** Copies the defined fields only: absent optional fields stay absent on the wire. */
export function assignDefined(target: Record<string, unknown>, source: object): void {
  const fields = source as Record<string, unknown>;
  for (const key in fields) {
    const value = fields[key];
    if (value !== undefined) target[key] = value;
  }
}

export function now(): string {
  return new Date().toISOString();
}
