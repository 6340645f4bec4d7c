// logMetric's events are written to JSON text by a serializer of their own (metricLine): it must give exactly the
// text the generic path gives (JSON.stringify of the event object logMetric built before, through eventLine), for
// every input a JavaScript caller can pass, strings that need escaping included.
import { describe, expect, it } from 'vitest';
import { isoTime } from '../../src/client/event-fields.ts';
import { lineOf, MetricEvent, metricLine, writeEvent } from '../../src/client/metric-event.ts';
import { linesOf, NdjsonWriter, ndjsonBody } from '../../src/client/ndjson-writer.ts';
import { Recorder } from '../../src/client/recorder.ts';
import { eventLine } from '../../src/client/sink.ts';
import { Warner } from '../../src/client/warnings.ts';

/** The object logMetric built before it had its own serializer (recorder.ts emit(), field for field). */
function referenceEvent(input: Inputs): Record<string, unknown> {
  const event: Record<string, unknown> = {
    type: 'evaluation',
    schema: 'provml/1',
    id: `${input.idStem}${input.sequence}`,
    time: input.time === undefined ? isoTime(input.recordedAt) : input.time,
    workflowExecutionId: input.workflowExecutionId,
  };
  const body: Record<string, unknown> = {
    measure: input.measure,
    value: input.value,
    taskId: input.taskId,
    stage: input.stage,
    section: input.epoch === undefined ? input.section : { kind: 'epoch', index: input.epoch },
    modelId: input.modelId,
    datasetId: input.datasetId,
  };
  for (const [key, value] of Object.entries(body)) if (value !== undefined) event[key] = value;
  if (input.annotations) event.annotations = input.annotations;
  return event;
}

interface Inputs {
  idStem: string;
  sequence: number;
  time: unknown;
  recordedAt: number;
  workflowExecutionId: unknown;
  measure: unknown;
  value: unknown;
  taskId: unknown;
  stage: unknown;
  section: unknown;
  epoch: unknown;
  modelId: unknown;
  datasetId: unknown;
  annotations: unknown;
}

const build = (input: Inputs): MetricEvent =>
  new MetricEvent(
    input.idStem,
    input.sequence,
    input.time as string | undefined,
    input.recordedAt,
    input.workflowExecutionId as string,
    input.measure as string,
    input.value,
    input.taskId as string | undefined,
    input.stage as string | undefined,
    input.section as MetricEvent['section'],
    input.epoch as number | undefined,
    input.modelId as string | undefined,
    input.datasetId as string | undefined,
    input.annotations as Record<string, unknown> | undefined,
  );

/** A seeded generator (mulberry32), so a failure replays. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  'loss',
  'accuracy',
  't-ab12cd34-2',
  '',
  'null',
  'a "quoted" name',
  'back\\slash',
  'line\nbreak\ttab',
  '\u0000\u001f',
  'line\u2028separator',
  'café',
  'emoji 😀',
  'lone \ud800 surrogate',
];
const NUMBERS = [0, -0, 1, 0.1, 1 / 3, -2.5e-7, 1e21, 123456789012, Number.MAX_VALUE, Number.MIN_VALUE];
const VALUES = [
  ...NUMBERS,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  12n,
  2n ** 70n,
  'NaN',
];
const SECTIONS = (): unknown[] => [
  { kind: 'epoch', index: 3 },
  { kind: 'fold', index: 2.5 },
  { kind: 'batch', index: -0 },
  { index: 1, kind: 'batch' },
  { kind: 'epoch', index: 1, extra: 'x' },
  { kind: 'epoch', index: Number.NaN },
  { kind: 'a "kind"', index: 4 },
  { kind: 7, index: 4 },
  Object.assign(Object.create(null), { kind: 'epoch', index: 5 }),
  { kind: 'epoch', index: 6, toJSON: () => ({ kind: 'epoch', index: 60 }) },
  null,
];

function pick<T>(next: () => number, values: readonly T[], absent = 0.3): T | undefined {
  return next() < absent ? undefined : values[Math.floor(next() * values.length)];
}

function inputs(next: () => number): Inputs {
  return {
    idStem: next() < 0.9 ? 'e-ab12cd34-' : `e-${pick(next, STRINGS, 0)}-`,
    sequence: 1 + Math.floor(next() * 1e6),
    time:
      next() < 0.7
        ? undefined
        : next() < 0.8
          ? '2024-01-02T03:04:05.678Z'
          : pick(next, [...STRINGS, null, 5], 0),
    recordedAt: Date.UTC(2026, 11, 2) + Math.floor(next() * 5),
    workflowExecutionId:
      next() < 0.9 ? '5b1f5a4e-1f0e-4a53-9b1e-7d7c0e0f4b1a' : pick(next, [...STRINGS, 42], 0),
    measure: next() < 0.95 ? pick(next, STRINGS, 0) : pick(next, [undefined, 3, null], 0),
    value: next() < 0.8 ? pick(next, NUMBERS, 0) : pick(next, [...VALUES, undefined, null], 0),
    taskId: pick(next, [...STRINGS, 9]),
    stage: pick(next, ['training', 'validation', 'evaluation', 'a "stage"', null]),
    section: next() < 0.5 ? undefined : pick(next, SECTIONS(), 0),
    epoch: pick(next, [0, 1, 7, -0, 2.5, Number.NaN, Number.POSITIVE_INFINITY, null, '3'], 0.6),
    modelId: pick(next, STRINGS, 0.8),
    datasetId: pick(next, [...STRINGS, false], 0.8),
    annotations: pick(next, [{ note: 'x' }, {}, { value: Number.NaN }, { big: 3n }, 0, ''], 0.9),
  };
}

describe('metricLine: the evaluation event text logMetric sends', () => {
  it('equals the generic JSON text of the event, for 20,000 seeded random calls in a row', () => {
    const next = random(20261202);
    for (let i = 0; i < 20_000; i++) {
      const input = inputs(next);
      const expected = eventLine(referenceEvent(input));
      const line = metricLine(build(input));
      if (line !== expected) expect({ input, line }).toEqual({ input, line: expected });
    }
  });

  it('writes the common call without the generic path, id and time in place', () => {
    const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    const event = build({
      idStem: 'e-ab-',
      sequence: 7,
      time: undefined,
      recordedAt: at,
      workflowExecutionId: 'w1',
      measure: 'loss',
      value: 0.25,
      taskId: 't-ab-2',
      stage: 'training',
      section: undefined,
      epoch: 3,
      modelId: undefined,
      datasetId: undefined,
      annotations: undefined,
    });
    expect(metricLine(event)).toBe(
      '{"type":"evaluation","schema":"provml/1","id":"e-ab-7","time":"2024-01-02T03:04:05.678Z",' +
        '"workflowExecutionId":"w1","measure":"loss","value":0.25,"taskId":"t-ab-2","stage":"training",' +
        '"section":{"kind":"epoch","index":3}}',
    );
    expect(lineOf(event)).toBe(metricLine(event));
  });

  it('is undefined (the event is dropped with a warning) where the generic path is: a circular annotation', () => {
    const annotations: Record<string, unknown> = {};
    annotations.self = annotations;
    const input = { ...inputs(random(1)), value: 1, annotations };
    expect(metricLine(build(input))).toBeUndefined();
  });

  it('reads a section with a throwing getter through the generic path', () => {
    const section = {
      kind: 'epoch',
      get index(): number {
        throw new Error('no index');
      },
    };
    const input = { ...inputs(random(2)), value: 1, annotations: undefined, epoch: undefined, section };
    expect(metricLine(build(input))).toBe(eventLine(referenceEvent(input)));
  });
});

describe('writeEvent: the request body written straight into bytes', () => {
  /** Any other event (the generic path): strings that need escaping, non-finite numbers, BigInts, a cycle. */
  function otherEvent(next: () => number): object {
    const event: Record<string, unknown> = {
      type: 'task.started',
      name: pick(next, STRINGS, 0),
      value: pick(next, VALUES),
      nested: { note: pick(next, STRINGS) },
    };
    if (next() < 0.02) event.self = event;
    return event;
  }

  it('equals the body of the lines of the generic path, for 300 seeded random batches of reused buffers', () => {
    const next = random(20261203);
    let spare: Buffer | undefined;
    for (let batch = 0; batch < 300; batch++) {
      const events: object[] = [];
      const expectedLines: string[] = [];
      for (let i = Math.floor(next() * 120); i > 0; i--) {
        if (next() < 0.8) {
          const input = inputs(next);
          events.push(build(input));
          const line = eventLine(referenceEvent(input));
          if (line !== undefined) expectedLines.push(line);
        } else {
          const event = otherEvent(next);
          events.push(event);
          const line = eventLine(event);
          if (line !== undefined) expectedLines.push(line);
        }
      }
      // A small first capacity makes the writer grow; the previous batch's buffer is written over.
      const out = new NdjsonWriter(next() < 0.5 ? 64 : 64 * 1024, spare);
      let written = 0;
      for (const event of events) if (writeEvent(event, out)) written += 1;
      const body = out.body();
      const expected = ndjsonBody(expectedLines);
      if (!body.equals(expected))
        expect({ batch, body: body.toString() }).toEqual({ batch, body: expected.toString() });
      expect(written).toBe(expectedLines.length);
      expect(out.lines).toBe(expectedLines.length);
      // A retry or a refusal takes the lines back from the bytes: they encode to the very same bytes.
      expect(linesOf(body)).toEqual(expectedLines);
      expect(ndjsonBody(linesOf(body)).equals(body)).toBe(true);
      spare = out.buffer;
    }
  });
});

describe('logMetric: the section, stage and task a metric belongs to', () => {
  function recorded(calls: (recorder: Recorder) => void): Array<Record<string, unknown>> {
    const events: object[] = [];
    const sink = {
      push: (event: object) => void events.push(event),
      flush: async () => ({ complete: true, delivered: 0, triples: 0, rejected: 0, pending: 0, spilled: 0 }),
    };
    const recorder = new Recorder({ ...sink, close: sink.flush }, new Warner(() => {}), {
      idPrefix: 'p',
      host: 'h',
      pid: null,
      workflowExecutionId: 'w',
    });
    calls(recorder);
    void recorder.close();
    return events.map((event) => JSON.parse(lineOf(event) as string) as Record<string, unknown>);
  }
  const metricsOf = (events: Array<Record<string, unknown>>) =>
    events
      .filter((event) => event.type === 'evaluation')
      .map(({ taskId, stage, section }) => ({ taskId, stage, section }));

  it("takes an explicit section or epoch first, else the innermost open task's section or epoch", () => {
    const events = recorded((recorder) => {
      const fit = recorder.taskStarted({
        name: 'fit',
        stage: 'training',
        section: { kind: 'fold', index: 2 },
      });
      recorder.logMetric('loss', 1);
      recorder.logMetric('loss', 1, { epoch: 4 });
      recorder.logMetric('loss', 1, { section: { kind: 'batch', index: 9 }, stage: 'validation' });
      const epoch = recorder.taskStarted({ name: 'epoch', parentTaskId: fit, epoch: 5 });
      recorder.logMetric('loss', 1);
      recorder.taskEnded({ taskId: epoch });
      recorder.taskEnded({ taskId: fit });
      recorder.logMetric('loss', 1);
    });
    expect(metricsOf(events)).toEqual([
      { taskId: 't-p-1', stage: 'training', section: { kind: 'fold', index: 2 } },
      { taskId: 't-p-1', stage: 'training', section: { kind: 'epoch', index: 4 } },
      { taskId: 't-p-1', stage: 'validation', section: { kind: 'batch', index: 9 } },
      { taskId: 't-p-6', section: { kind: 'epoch', index: 5 } },
      {},
    ]);
    expect(events.map((event) => event.id)).toEqual([2, 3, 4, 5, 7, 8, 9, 10, 11].map((n) => `e-p-${n}`));
  });
});
