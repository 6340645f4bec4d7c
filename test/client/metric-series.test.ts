// The TypeScript client writes a run of plain metrics as one metric series (src/capture/series.ts): the server
// must read from it exactly the events the one-line-per-metric form gives, whatever breaks or joins the run.
import { describe, expect, it } from 'vitest';
import { expandSeries, parseNdjson } from '../../src/capture/index.ts';
import { MetricEvent, metricLine, splitSeriesLine, writeEvents } from '../../src/client/metric-event.ts';
import { eventsInLine, NdjsonWriter } from '../../src/client/ndjson-writer.ts';

interface Fields {
  sequence: number;
  measure?: string;
  value?: number;
  recordedAt?: number;
  time?: string;
  taskId?: string;
  stage?: string;
  section?: MetricEvent['section'];
  epoch?: number;
  annotations?: Record<string, unknown>;
  idStem?: string;
}

const metric = (f: Fields): MetricEvent =>
  new MetricEvent(
    f.idStem ?? 'e-abc-',
    f.sequence,
    f.time,
    f.recordedAt ?? 1764806400123 + f.sequence,
    'run-1',
    f.measure ?? 'loss',
    f.value ?? f.sequence / 7,
    f.taskId ?? 'epoch-2',
    f.stage ?? 'training',
    f.section,
    f.epoch ?? 2,
    undefined,
    undefined,
    f.annotations,
  );

/** The body's lines, and the events the server reads from them. */
function written(events: MetricEvent[]): { lines: string[]; read: unknown[]; out: NdjsonWriter } {
  const out = new NdjsonWriter(64);
  expect(writeEvents(events, events.length, out)).toBe(true);
  const text = out.body().toString('utf8');
  const parsed = parseNdjson(text);
  if (!parsed.ok) throw new Error('not NDJSON');
  const expanded = expandSeries(parsed.items);
  expect(expanded.errors).toEqual([]);
  return { lines: text.trim().split('\n'), read: expanded.items, out };
}

/** What the per-line form gives: each event's own line. */
const oneByOne = (events: MetricEvent[]): unknown[] =>
  events.map((event) => JSON.parse(metricLine(event) as string));

describe('metric series from the TypeScript client', () => {
  it('writes a run of a task’s metrics as one line that stands for exactly their events', () => {
    const events = Array.from({ length: 50 }, (_, k) =>
      metric({ sequence: 10 + k, measure: k % 3 === 0 ? 'accuracy' : 'loss' }),
    );
    const { lines, read, out } = written(events);
    expect(lines).toHaveLength(1);
    expect(eventsInLine(lines[0] as string)).toBe(50);
    expect([out.lines, out.events]).toEqual([1, 50]);
    expect(read).toEqual(oneByOne(events));
  });

  it('keeps every millisecond, the second’s first and last included', () => {
    const times = [
      1764806400000, 1764806400999, 1764806401000, 1764806401001, 1700000000500.7, 0, 253402300799999,
    ];
    const events = times.map((recordedAt, k) => metric({ sequence: k + 1, recordedAt }));
    expect(written(events).read).toEqual(oneByOne(events));
  });

  it('starts a new line where the numbers, the task, the section or the shape change', () => {
    const section = { kind: 'fold' as const, index: 3 };
    const events = [
      metric({ sequence: 1 }),
      metric({ sequence: 2 }),
      metric({ sequence: 4 }), // a gap: another event took 3
      metric({ sequence: 5, taskId: 'epoch-3' }),
      metric({ sequence: 6, taskId: 'epoch-3' }),
      metric({ sequence: 7, time: '2025-12-04T00:00:00.000Z' }), // the caller's time: its own line
      metric({ sequence: 8, annotations: { note: 'x' } }),
      metric({ sequence: 9, section }),
      metric({ sequence: 10, section }),
      metric({ sequence: 11, value: Number.NaN }),
    ];
    const { lines, read } = written(events);
    expect(lines.map((line) => eventsInLine(line))).toEqual([2, 1, 2, 1, 1, 2, 1]);
    expect(read).toEqual(oneByOne(events));
  });

  it('cuts a series in two halves that stand for the same events (a 413 on a request of one line)', () => {
    const events = Array.from({ length: 7 }, (_, k) =>
      metric({ sequence: k + 1, measure: k % 2 ? 'a' : 'b' }),
    );
    const [line] = written(events).lines;
    const halves = splitSeriesLine(line as string);
    expect(halves?.map((half) => eventsInLine(half))).toEqual([3, 4]);
    expect(expandSeries((halves ?? []).map((half) => JSON.parse(half))).items).toEqual(oneByOne(events));
    expect(splitSeriesLine(metricLine(events[0] as MetricEvent) as string)).toBeUndefined();
  });
});
