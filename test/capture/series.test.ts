import { describe, expect, it } from 'vitest';
import {
  eventsInLine,
  expandSeries,
  MAX_SERIES_EVENTS_PER_BATCH,
  SERIES_TYPE,
  validateBatch,
} from '../../src/capture/index.ts';

// A metric series (src/capture/series.ts) stands for the evaluation events a client would otherwise send one
// per line; these tests hold it to exactly those events.

const floats = (values: number[]): string => {
  const bytes = Buffer.alloc(values.length * 8);
  values.forEach((value, k) => {
    bytes.writeDoubleLE(value, k * 8);
  });
  return bytes.toString('base64');
};

const TASK = {
  workflowExecutionId: 'run-1',
  taskId: 'epoch-2',
  stage: 'training',
  section: { kind: 'epoch', index: 2 },
};

const STARTED = {
  type: 'workflow.started',
  schema: 'provml/1',
  id: 'w',
  time: '2025-12-04T00:00:00.000Z',
  workflowExecutionId: 'run-1',
  name: 'w',
};

function series(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: SERIES_TYPE,
    count: 3,
    schema: 'provml/1',
    idPrefix: 'e-abc-',
    firstId: 17,
    measures: ['loss'],
    times: floats([1764806400.1234, 1764806400.9999, 1764806401.0]),
    values: floats([0.5, 1, 0.25]),
    ...TASK,
    ...fields,
  };
}

describe('metric series', () => {
  it('stands for one evaluation event per value, numbered, timed and shared as the per-line events are', () => {
    const expanded = expandSeries([series()]);
    expect(expanded.errors).toEqual([]);
    expect(expanded.sources).toEqual([0, 0, 0]);
    expect(expanded.items).toEqual([
      {
        type: 'evaluation',
        schema: 'provml/1',
        id: 'e-abc-17',
        time: '2025-12-04T00:00:00.123Z',
        measure: 'loss',
        value: 0.5,
        ...TASK,
      },
      {
        type: 'evaluation',
        schema: 'provml/1',
        id: 'e-abc-18',
        time: '2025-12-04T00:00:00.999Z',
        measure: 'loss',
        value: 1,
        ...TASK,
      },
      {
        type: 'evaluation',
        schema: 'provml/1',
        id: 'e-abc-19',
        time: '2025-12-04T00:00:01.000Z',
        measure: 'loss',
        value: 0.25,
        ...TASK,
      },
    ]);
  });

  it('cuts times to the millisecond without rounding up, as the clients write them', () => {
    // 0.9999 s after a second: the milliseconds are 999, never 1000 (which would be the next second).
    const [event] = expandSeries([
      series({ count: 1, times: floats([1.9999999]), values: floats([2]) }),
    ]).items;
    expect((event as { time: string }).time).toBe('1970-01-01T00:00:01.999Z');
  });

  it('names each event its measure through one byte per event, and keeps NaN and infinities in XSD spelling', () => {
    const { items } = expandSeries([
      series({
        measures: ['loss', 'accuracy'],
        measure: Buffer.from([0, 1, 0]).toString('base64'),
        values: floats([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]),
      }),
    ]);
    expect(items.map((event) => (event as { measure: string }).measure)).toEqual([
      'loss',
      'accuracy',
      'loss',
    ]);
    expect(items.map((event) => (event as { value: unknown }).value)).toEqual(['NaN', 'INF', '-INF']);
  });

  it('leaves a batch without series as it is', () => {
    const batch = [{ type: 'evaluation' }];
    const expanded = expandSeries(batch);
    expect(expanded.items).toBe(batch);
    expect(expanded.sources).toBeUndefined();
  });

  it.each([
    [{ count: 0 }, '/count'],
    [{ count: 2.5 }, '/count'],
    [{ idPrefix: '' }, '/idPrefix'],
    [{ firstId: -1 }, '/firstId'],
    [{ measures: [] }, '/measures'],
    [{ measures: ['loss', 3] }, '/measures'],
    [{ times: floats([1, 2]) }, '/times'],
    [{ times: `${floats([1, 2, 3]).slice(0, -1)}!` }, '/times'],
    [{ values: 42 }, '/values'],
    [{ measures: ['loss', 'accuracy'] }, '/measure'],
    [{ measures: ['loss', 'accuracy'], measure: Buffer.from([0, 2, 0]).toString('base64') }, '/measure'],
    [{ times: floats([1, -5, 3]) }, '/times'],
    [{ id: 'e-1' }, '/id'],
    [{ value: 3 }, '/value'],
  ])('refuses a malformed series (%j) at %s, naming its index', (fields, path) => {
    const { errors, items } = expandSeries([{ type: 'evaluation' }, series(fields)]);
    expect(items).toHaveLength(1);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]).toMatchObject({ index: 1, path });
    expect(errors[0]?.message).toMatch(/must|names|not/);
  });

  it('refuses a batch whose series stand for more events than one request may carry', () => {
    // Their bytes do not matter here (each is refused for its times, before any is expanded): only the total.
    const batch = Array(Math.floor(MAX_SERIES_EVENTS_PER_BATCH / 100_000) + 1).fill(
      series({ count: 100_000 }),
    );
    const { errors } = expandSeries(batch);
    expect(errors.at(-1)).toMatchObject({ index: batch.length - 1, path: '/count' });
    expect(errors.at(-1)?.message).toContain('smaller batches');
    expect(errors.filter((error) => error.path === '/count')).toHaveLength(1);
  });

  it('validates each event of a series and names the series and the event when one is wrong', () => {
    const result = validateBatch([STARTED, series({ stage: 'sleeping' }), { ...STARTED, id: '' }]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const indexes = result.errors.map((error) => error.index);
    expect(indexes).toEqual([...indexes].sort((a, b) => a - b));
    const inSeries = result.errors.filter((error) => error.index === 1);
    expect(inSeries).toHaveLength(3);
    expect(inSeries[0]).toMatchObject({ path: '/stage' });
    expect(inSeries[0]?.message).toContain('(event e-abc-17 of the series)');
    expect(result.errors.some((error) => error.index === 2 && error.path === '/id')).toBe(true);
  });

  it('gives a valid batch its events and the line each came from', () => {
    const result = validateBatch([STARTED, series(), STARTED]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.events).toHaveLength(5);
    expect(result.sources).toEqual([0, 1, 1, 1, 2]);
  });

  it('counts the events a line stands for', () => {
    expect(eventsInLine(JSON.stringify(series()))).toBe(3);
    expect(eventsInLine('{"type":"evaluation"}')).toBe(1);
    expect(eventsInLine(`{"type":"${SERIES_TYPE}","count":`)).toBe(1);
  });
});

describe('the documented metric series', () => {
  it('expands to the events docs/capture.md says', async () => {
    const { readFileSync } = await import('node:fs');
    const doc = readFileSync(new URL('../../docs/capture.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('### Metric series'));
    const example = section.slice(
      section.indexOf('```json') + 7,
      section.indexOf('```', section.indexOf('```json') + 7),
    );
    const result = validateBatch([STARTED, JSON.parse(example)]);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(
      result.events.slice(1).map((event) => [event.id, event.time, (event as { measure: string }).measure]),
    ).toEqual([
      ['e-7f3a-17', '2025-12-04T00:00:01.500Z', 'loss'],
      ['e-7f3a-18', '2025-12-04T00:00:01.500Z', 'accuracy'],
      ['e-7f3a-19', '2025-12-04T00:00:02.250Z', 'loss'],
    ]);
  });
});
