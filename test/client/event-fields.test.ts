import { describe, expect, it } from 'vitest';
import { ID_STEM, RECORDED_AT, SEQUENCE, stamped } from '../../src/client/event-fields.ts';

describe('stamped: the sender writes the id and time the call left as numbers', () => {
  it('writes them in their places, once, and never the symbols', () => {
    const at = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
    const event = {
      type: 'evaluation',
      id: undefined,
      time: undefined,
      value: 1,
      [ID_STEM]: 'e-ab-',
      [SEQUENCE]: 7,
      [RECORDED_AT]: at,
    };
    expect(JSON.stringify(stamped(event))).toBe(
      '{"type":"evaluation","id":"e-ab-7","time":"2024-01-02T03:04:05.678Z","value":1}',
    );
    expect(JSON.stringify(stamped(event))).toBe(JSON.stringify(event));
  });

  it('keeps a time the caller gave, and events without deferred fields as they are', () => {
    const given = { id: 'x', time: '2020-01-01T00:00:00Z', [RECORDED_AT]: 0 };
    expect(stamped(given)).toEqual({ id: 'x', time: '2020-01-01T00:00:00Z', [RECORDED_AT]: 0 });
    expect(JSON.stringify(stamped({ a: 1 }))).toBe('{"a":1}');
  });

  it('gives events of different milliseconds their own times', () => {
    const times = [0, 1, 1, 2].map(
      (ms) => (stamped({ time: undefined, [RECORDED_AT]: ms }) as { time: string }).time,
    );
    expect(times).toEqual([
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:00:00.001Z',
      '1970-01-01T00:00:00.001Z',
      '1970-01-01T00:00:00.002Z',
    ]);
  });
});
