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

// The caller's thread stores numbers; the sender writes the text (JSON.stringify skips symbol keys, so these
// never reach the wire as such).
/** When an event without a caller-given time was recorded (ms since the epoch). */
export const RECORDED_AT: unique symbol = Symbol('provml.recordedAt');
/** An event id's recorder-wide stem (`e-<prefix>-`) and its sequence number. */
export const ID_STEM: unique symbol = Symbol('provml.idStem');
export const SEQUENCE: unique symbol = Symbol('provml.sequence');

interface Deferred {
  id?: unknown;
  time?: unknown;
  [RECORDED_AT]?: number;
  [ID_STEM]?: string;
  [SEQUENCE]?: number;
}

/** The event with its `id` and `time` written, once (events of one millisecond share the time's text). */
export function stamped(event: object): object {
  const fields = event as Deferred;
  const at = fields[RECORDED_AT];
  if (at !== undefined && fields.time === undefined) fields.time = isoTime(at);
  const stem = fields[ID_STEM];
  if (stem !== undefined && fields.id === undefined) fields.id = `${stem}${fields[SEQUENCE]}`;
  return event;
}

let lastMs = Number.NaN;
let lastIso = '';
/** ISO text of a time in ms, shared by the events of one millisecond. */
export function isoTime(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}
