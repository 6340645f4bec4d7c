import type { Section } from '../capture/index.ts';
import { isoTime, stamped } from './event-fields.ts';
import { eventLine } from './sink.ts';

/**
 * An `evaluation` event as `logMetric` records it: the call's values in one fixed-shape object (no generic event
 * object, no symbol-keyed fields), written to JSON text by the sender. `metricLine` gives exactly the text
 * `eventLine` gives for the generic event (`toEvent`), which the tests check field by field.
 */
export class MetricEvent {
  constructor(
    /** `e-<prefix>-`: the id is the stem and the sequence number. */
    readonly idStem: string,
    readonly sequence: number,
    /** The caller's time, else undefined and `recordedAt` (ms since the epoch) is written as ISO text. */
    readonly time: string | undefined,
    readonly recordedAt: number,
    readonly workflowExecutionId: string,
    readonly measure: string,
    readonly value: unknown,
    readonly taskId: string | undefined,
    readonly stage: string | undefined,
    /** A section object the caller gave (or its task's); `epoch` is the `{ kind: 'epoch', index }` shorthand. */
    readonly section: Section | undefined,
    readonly epoch: number | undefined,
    readonly modelId: string | undefined,
    readonly datasetId: string | undefined,
    readonly annotations: Record<string, unknown> | undefined,
  ) {}

  /** The generic event object, in the field order the recorder has always written. */
  toEvent(): Record<string, unknown> {
    const event: Record<string, unknown> = {
      type: 'evaluation',
      schema: 'provml/1',
      id: `${this.idStem}${this.sequence}`,
      time: this.time === undefined ? isoTime(this.recordedAt) : this.time,
      workflowExecutionId: this.workflowExecutionId,
    };
    const section = this.epoch === undefined ? this.section : { kind: 'epoch', index: this.epoch };
    const body: Record<string, unknown> = {
      measure: this.measure,
      value: this.value,
      taskId: this.taskId,
      stage: this.stage,
      section,
      modelId: this.modelId,
      datasetId: this.datasetId,
    };
    for (const key in body) if (body[key] !== undefined) event[key] = body[key];
    if (this.annotations) event.annotations = this.annotations;
    return event;
  }
}

/**
 * JSON text of a field (`,"taskId":"t-1"`) for the strings a training loop repeats call after call (the same
 * workflow, task, stage and a few measure names): each distinct string is escaped once, by JSON.stringify (the
 * one escape), into a bounded table; a hit costs a lookup instead of escaping and concatenating again.
 */
class FieldText {
  private readonly texts = new Map<string, string>();
  constructor(private readonly prefix: string) {}
  of(value: string): string {
    let text = this.texts.get(value);
    if (text === undefined) {
      if (this.texts.size >= 256) this.texts.clear();
      text = `${this.prefix}${JSON.stringify(value)}`;
      this.texts.set(value, text);
    }
    return text;
  }
}

const times = new FieldText(',"time":');
const workflows = new FieldText(',"workflowExecutionId":');
const measures = new FieldText(',"measure":');
const tasks = new FieldText(',"taskId":');
const stages = new FieldText(',"stage":');
const kinds = new FieldText(',"section":{"kind":');
const models = new FieldText(',"modelId":');
const datasets = new FieldText(',"datasetId":');

let lastStem: string | undefined;
let lastStemText = '';
/** The line's start up to the id's sequence number: the stem escaped, without its closing quote. */
function stemText(stem: string): string {
  if (stem !== lastStem) {
    lastStemText = `{"type":"evaluation","schema":"provml/1","id":${JSON.stringify(stem).slice(0, -1)}`;
    lastStem = stem;
  }
  return lastStemText;
}

let lastMs = Number.NaN;
let lastTimeText = '';
function recordedTimeText(ms: number): string {
  if (ms !== lastMs) {
    // ISO-8601 text of a finite time has nothing to escape.
    lastTimeText = `,"time":"${isoTime(ms)}"`;
    lastMs = ms;
  }
  return lastTimeText;
}

/** JSON text of an optional string field, '' when absent, undefined when it is not a string (the generic path). */
function optional(value: unknown, texts: FieldText): string | undefined {
  if (value === undefined) return '';
  return typeof value === 'string' ? texts.of(value) : undefined;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function sectionText(event: MetricEvent): string | undefined {
  if (event.epoch !== undefined)
    return finite(event.epoch) ? `,"section":{"kind":"epoch","index":${event.epoch}}` : undefined;
  const section = event.section;
  if (section === undefined) return '';
  // The common shape, read once: any other (more keys, a toJSON, a getter) takes the generic path.
  if (
    typeof section !== 'object' ||
    section === null ||
    Object.getPrototypeOf(section) !== Object.prototype ||
    !hasOnlyKindAndIndex(section)
  )
    return undefined;
  const { kind, index } = section;
  if (typeof kind !== 'string' || !finite(index)) return undefined;
  return `${kinds.of(kind)},"index":${index}}`;
}

function hasOnlyKindAndIndex(section: object): boolean {
  const keys = Object.keys(section);
  return keys.length === 2 && keys[0] === 'kind' && keys[1] === 'index';
}

/** An event's NDJSON line (undefined when it cannot be serialized): the sinks' one serializer. */
export function lineOf(event: object): string | undefined {
  return event instanceof MetricEvent ? metricLine(event) : eventLine(stamped(event));
}

/** The event's NDJSON line without building the generic object; undefined when it cannot be serialized. */
export function metricLine(event: MetricEvent): string | undefined {
  let line: string | undefined;
  try {
    line = fastLine(event);
  } catch {
    // A throwing getter (say): the generic path decides, as it did before.
  }
  return line ?? eventLine(event.toEvent());
}

/** The line for the common case (string fields, a finite value, no annotations); undefined: take the generic path. */
function fastLine(event: MetricEvent): string | undefined {
  const { value, time, workflowExecutionId, measure } = event;
  if (
    !finite(value) ||
    event.annotations ||
    typeof workflowExecutionId !== 'string' ||
    typeof measure !== 'string' ||
    (time !== undefined && typeof time !== 'string')
  )
    return undefined;
  const taskId = optional(event.taskId, tasks);
  const stage = optional(event.stage, stages);
  const section = sectionText(event);
  const modelId = optional(event.modelId, models);
  const datasetId = optional(event.datasetId, datasets);
  if (
    taskId === undefined ||
    stage === undefined ||
    section === undefined ||
    modelId === undefined ||
    datasetId === undefined
  )
    return undefined;
  const timeText = time === undefined ? recordedTimeText(event.recordedAt) : times.of(time);
  return `${stemText(event.idStem)}${event.sequence}"${timeText}${workflows.of(workflowExecutionId)}${measures.of(measure)},"value":${value}${taskId}${stage}${section}${modelId}${datasetId}}`;
}
