import type { Section } from '../capture/index.ts';
import { isoTime, stamped } from './event-fields.ts';
import { NdjsonWriter, SERIES_HEAD } from './ndjson-writer.ts';
import { eventLine } from './sink.ts';

/**
 * An `evaluation` event as `logMetric` records it: the call's values in one fixed-shape object (no generic event
 * object, no symbol-keyed fields), written by the sender straight into the body's bytes (`writeEvent`). Its line is
 * exactly the text `eventLine` gives for the generic event (`toEvent`), which the tests check byte for byte.
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
 * UTF-8 bytes of a field's JSON text (`,"taskId":"t-1"`) for the strings a training loop repeats call after call
 * (the same workflow, task, stage and a few measure names): each distinct string is escaped once, by
 * JSON.stringify (the one escape), and encoded once, into a bounded table; a hit costs a lookup and a copy.
 */
class FieldBytes {
  private readonly bytes = new Map<string, Uint8Array>();
  constructor(
    private readonly prefix: string,
    private readonly suffix = '',
  ) {}
  of(value: string): Uint8Array {
    let bytes = this.bytes.get(value);
    if (bytes === undefined) {
      if (this.bytes.size >= 256) this.bytes.clear();
      bytes = utf8(`${this.prefix}${JSON.stringify(value)}${this.suffix}`);
      this.bytes.set(value, bytes);
    }
    return bytes;
  }
}

/** A copy of its own (not a slice of Buffer's shared pool, which a long-lived table would pin). */
const utf8 = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'utf8'));

const ABSENT: Uint8Array = new Uint8Array(0);
const EPOCH_SECTION = utf8(',"section":{"kind":"epoch","index":');
const CLOSE = utf8('}');

/**
 * Two byte strings of the tables as one, joined once per combination (they are the same objects call after call):
 * the text between two numbers of a line is then one copy instead of one per field.
 */
const joins = new Map<Uint8Array, Map<Uint8Array, Uint8Array>>();
function joinedOnce(first: Uint8Array, second: Uint8Array): Uint8Array {
  if (second.length === 0) return first;
  if (first.length === 0) return second;
  let after = joins.get(first);
  if (after === undefined) {
    if (joins.size >= 256) joins.clear();
    after = new Map();
    joins.set(first, after);
  }
  let both = after.get(second);
  if (both === undefined) {
    if (after.size >= 64) after.clear();
    both = new Uint8Array(first.length + second.length);
    both.set(first);
    both.set(second, first.length);
    after.set(second, both);
  }
  return both;
}

/** One place a line joins two texts: the last pair it joined is checked first (a map lookup costs more). */
class Join {
  private first: Uint8Array = ABSENT;
  private second: Uint8Array = ABSENT;
  private both: Uint8Array = ABSENT;
  of(first: Uint8Array, second: Uint8Array): Uint8Array {
    if (first !== this.first || second !== this.second) {
      this.both = joinedOnce(first, second);
      this.first = first;
      this.second = second;
    }
    return this.both;
  }
}

const workflowMeasure = new Join();
const modelDataset = new Join();
const datasetEnd = new Join();
const taskStage = new Join();
const beforeIndex = new Join();
const beforeEnd = new Join();
const afterIndex = new Join();

// `","time":` starts with the quote that closes the id before it (the id's sequence number is written as digits).
const times = new FieldBytes('","time":');
const workflows = new FieldBytes(',"workflowExecutionId":');
const measures = new FieldBytes(',"measure":', ',"value":');
const tasks = new FieldBytes(',"taskId":');
const stages = new FieldBytes(',"stage":');
const kinds = new FieldBytes(',"section":{"kind":', ',"index":');
const models = new FieldBytes(',"modelId":');
const datasets = new FieldBytes(',"datasetId":');

let lastStem: string | undefined;
let lastStemBytes: Uint8Array = ABSENT;
/** The line's start up to the id's sequence number: the stem escaped, without its closing quote. */
function stemBytes(stem: string): Uint8Array {
  if (stem !== lastStem) {
    lastStemBytes = utf8(
      `{"type":"evaluation","schema":"provml/1","id":${JSON.stringify(stem).slice(0, -1)}`,
    );
    lastStem = stem;
  }
  return lastStemBytes;
}

let lastMs = Number.NaN;
let lastTimeBytes: Uint8Array = ABSENT;
function recordedTimeBytes(ms: number): Uint8Array {
  if (ms !== lastMs) {
    // ISO-8601 text of a finite time has nothing to escape.
    lastTimeBytes = utf8(`","time":"${isoTime(ms)}"`);
    lastMs = ms;
  }
  return lastTimeBytes;
}

/** Bytes of an optional string field, empty when absent, undefined when it is not a string (the generic path). */
function optional(value: unknown, fields: FieldBytes): Uint8Array | undefined {
  if (value === undefined) return ABSENT;
  return typeof value === 'string' ? fields.of(value) : undefined;
}

function finite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** The section's bytes up to its index's (empty: no section), undefined for a shape the generic path writes. */
function sectionStart(event: MetricEvent): Uint8Array | undefined {
  if (event.epoch !== undefined) return finite(event.epoch) ? EPOCH_SECTION : undefined;
  const section = event.section;
  if (section === undefined) return ABSENT;
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
  return kinds.of(kind);
}

function hasOnlyKindAndIndex(section: object): boolean {
  const keys = Object.keys(section);
  return keys.length === 2 && keys[0] === 'kind' && keys[1] === 'index';
}

/** An event's NDJSON line (undefined when it cannot be serialized), as text: spill files, tests. */
export function lineOf(event: object): string | undefined {
  return event instanceof MetricEvent ? metricLine(event) : eventLine(stamped(event));
}

/**
 * Appends the lines of the first `count` events to `out` (the sinks' batches); false when any could not be
 * serialized and was left out.
 */
export function writeEvents(events: readonly object[], count: number, out: NdjsonWriter): boolean {
  let complete = true;
  for (let i = 0; i < count; ) {
    const written = writeSeries(events, i, count, out);
    if (written > 0) {
      i += written;
      continue;
    }
    if (!writeEvent(events[i] as object, out)) complete = false;
    i += 1;
  }
  return complete;
}

/**
 * Writes the metrics from `events[start]` on that make one metric series (src/capture/series.ts): a task's
 * plain metrics with consecutive sequence numbers and the same fields but measure, value and time. Each costs
 * two packed doubles and a byte instead of its own line. Returns how many it wrote (0: fewer than two, or fields
 * the generic path writes).
 */
function writeSeries(events: readonly object[], start: number, end: number, out: NdjsonWriter): number {
  const first = events[start];
  if (!(first instanceof MetricEvent) || !plainMetric(first)) return 0;
  let count = 1;
  while (start + count < end && count < MAX_SERIES) {
    const next = events[start + count];
    if (!(next instanceof MetricEvent) || !plainMetric(next) || !sameSeries(first, next, count)) break;
    count += 1;
  }
  if (count < 2) return 0;
  const shared = optionalFields(first);
  if (shared === undefined) return 0;
  const measureIndex = new Map<string, number>();
  const which = Buffer.allocUnsafe(count);
  const numbers = Buffer.allocUnsafe(count * 16);
  let taken = 0;
  for (; taken < count; taken++) {
    const event = events[start + taken] as MetricEvent;
    let slot = measureIndex.get(event.measure);
    if (slot === undefined) {
      if (measureIndex.size >= MAX_MEASURES) break;
      slot = measureIndex.size;
      measureIndex.set(event.measure, slot);
    }
    which[taken] = slot;
    // The middle of the recorded millisecond: the server cuts a time to its millisecond, which an inexact
    // number of seconds at the millisecond itself could put one below.
    numbers.writeDoubleLE((Math.trunc(event.recordedAt) + 0.5) / 1000, taken * 8);
    numbers.writeDoubleLE(event.value as number, (count + taken) * 8);
  }
  if (taken < 2) return 0;
  out.chunk(SERIES_HEAD_BYTES);
  out.number(taken);
  out.chunk(seriesStemBytes(first.idStem));
  out.number(first.sequence);
  out.text(`,"measures":${JSON.stringify([...measureIndex.keys()])}`);
  if (measureIndex.size > 1) out.ascii(`,"measure":"${which.toString('base64', 0, taken)}"`);
  out.ascii(`,"times":"${numbers.toString('base64', 0, taken * 8)}"`);
  out.ascii(`,"values":"${numbers.toString('base64', count * 8, (count + taken) * 8)}"`);
  out.chunk(workflows.of(first.workflowExecutionId));
  for (const field of [shared.taskId, shared.stage, shared.modelId, shared.datasetId]) out.chunk(field);
  if (shared.section !== ABSENT) {
    out.chunk(shared.section);
    out.number(sectionIndexOf(first, shared.section));
    out.chunk(CLOSE);
  }
  out.chunk(CLOSE);
  out.endLine(taken);
  return taken;
}

const MAX_SERIES = 10_000;
const MAX_MEASURES = 256;
const SERIES_HEAD_BYTES = utf8(SERIES_HEAD);

/** A metric the series can carry: the recorder's own time, a finite value, text fields, no annotations. */
function plainMetric(event: MetricEvent): boolean {
  return (
    event.time === undefined &&
    event.annotations === undefined &&
    finite(event.value) &&
    typeof event.measure === 'string' &&
    typeof event.workflowExecutionId === 'string'
  );
}

function sameSeries(first: MetricEvent, event: MetricEvent, offset: number): boolean {
  return (
    event.idStem === first.idStem &&
    event.sequence === first.sequence + offset &&
    event.workflowExecutionId === first.workflowExecutionId &&
    event.taskId === first.taskId &&
    event.stage === first.stage &&
    event.section === first.section &&
    event.epoch === first.epoch &&
    event.modelId === first.modelId &&
    event.datasetId === first.datasetId
  );
}

/** The bytes of a metric's optional fields (each empty when absent); undefined: a shape the generic path writes. */
interface OptionalFields {
  taskId: Uint8Array;
  stage: Uint8Array;
  /** Up to the section's index (EPOCH_SECTION for the epoch shorthand). */
  section: Uint8Array;
  modelId: Uint8Array;
  datasetId: Uint8Array;
}

function optionalFields(event: MetricEvent): OptionalFields | undefined {
  const taskId = optional(event.taskId, tasks);
  const stage = optional(event.stage, stages);
  const section = sectionStart(event);
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
  return { taskId, stage, section, modelId, datasetId };
}

const sectionIndexOf = (event: MetricEvent, section: Uint8Array): number =>
  section === EPOCH_SECTION ? (event.epoch as number) : (event.section as Section).index;

let lastSeriesStem: string | undefined;
let lastSeriesStemBytes: Uint8Array = ABSENT;
/** The series' text after its count up to the first id's number. */
function seriesStemBytes(stem: string): Uint8Array {
  if (stem !== lastSeriesStem) {
    lastSeriesStemBytes = utf8(`,"schema":"provml/1","idPrefix":${JSON.stringify(stem)},"firstId":`);
    lastSeriesStem = stem;
  }
  return lastSeriesStemBytes;
}

/**
 * Appends the event's line, newline included, to `out`; false (nothing written) when it cannot be serialized:
 * the sinks' one serializer.
 */
export function writeEvent(event: object, out: NdjsonWriter): boolean {
  if (event instanceof MetricEvent) {
    const start = out.length;
    try {
      if (writeMetric(event, out)) {
        out.endLine();
        return true;
      }
    } catch {
      // A throwing getter (say): the generic path decides, as it did before.
    }
    out.truncate(start);
  }
  const line = event instanceof MetricEvent ? eventLine(event.toEvent()) : eventLine(stamped(event));
  if (line === undefined) return false;
  out.text(line);
  out.endLine();
  return true;
}

/** The event's NDJSON line as text without building the generic object; undefined when it cannot be serialized. */
export function metricLine(event: MetricEvent): string | undefined {
  const out = new NdjsonWriter(512);
  if (!writeEvent(event, out)) return undefined;
  const body = out.body();
  return body.toString('utf8', 0, body.length - 1);
}

/**
 * Writes the line for the common case (string fields, a finite value, no annotations) into `out`, without its
 * newline; false (nothing written): take the generic path.
 */
function writeMetric(event: MetricEvent, out: NdjsonWriter): boolean {
  const { value, time, workflowExecutionId, measure } = event;
  if (
    !finite(value) ||
    event.annotations ||
    typeof workflowExecutionId !== 'string' ||
    typeof measure !== 'string' ||
    (time !== undefined && typeof time !== 'string')
  )
    return false;
  const fields = optionalFields(event);
  if (fields === undefined) return false;
  const { taskId, stage, section, modelId, datasetId } = fields;
  out.chunk(stemBytes(event.idStem));
  out.number(event.sequence);
  out.chunk(time === undefined ? recordedTimeBytes(event.recordedAt) : times.of(time));
  out.chunk(workflowMeasure.of(workflows.of(workflowExecutionId), measures.of(measure)));
  out.number(value);
  const end = datasetEnd.of(modelDataset.of(modelId, datasetId), CLOSE);
  const task = taskStage.of(taskId, stage);
  if (section === ABSENT) {
    out.chunk(beforeEnd.of(task, end));
    return true;
  }
  out.chunk(beforeIndex.of(task, section));
  out.number(sectionIndexOf(event, section));
  out.chunk(afterIndex.of(CLOSE, end));
  return true;
}

/**
 * A metric series' line cut in two (the first `count / 2` events, then the rest): what a 413 does to a batch of
 * one line. Undefined for any other line, or a series of one.
 */
export function splitSeriesLine(line: string): [string, string] | undefined {
  if (!line.startsWith(SERIES_HEAD)) return undefined;
  let series: Record<string, unknown>;
  try {
    series = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const { count, firstId, times, values, measure } = series;
  if (!Number.isInteger(count) || (count as number) < 2 || typeof firstId !== 'number') return undefined;
  if (typeof times !== 'string' || typeof values !== 'string') return undefined;
  const n = count as number;
  const half = Math.floor(n / 2);
  const part = (from: number, to: number): string => {
    const slice = (text: string, width: number): string =>
      Buffer.from(text, 'base64')
        .subarray(from * width, to * width)
        .toString('base64');
    return JSON.stringify({
      ...series,
      count: to - from,
      firstId: firstId + from,
      ...(typeof measure === 'string' ? { measure: slice(measure, 1) } : {}),
      times: slice(times, 8),
      values: slice(values, 8),
    });
  };
  return [part(0, half), part(half, n)];
}
