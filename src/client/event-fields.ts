import type { AttributeMap, EventOf, EventType, Section } from '../capture/index.ts';
import type { TaskStart } from './recorder-types.ts';

// Small pure helpers that shape event fields for the recorder.

/** The fields of an event that the caller's call supplies (the recorder adds type, schema, id, time, execution). */
export type Body<T extends EventType> = Omit<
  EventOf<T>,
  'type' | 'schema' | 'id' | 'time' | 'workflowExecutionId'
>;

/** A task's section; `epoch: n` is the shorthand for `{ kind: 'epoch', index: n }`. */
export function sectionOf(input: TaskStart): Section | undefined {
  return input.section ?? (input.epoch === undefined ? undefined : { kind: 'epoch', index: input.epoch });
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
