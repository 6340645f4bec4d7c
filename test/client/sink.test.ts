import { describe, expect, it } from 'vitest';
import { ndjsonBody } from '../../src/client/ndjson-writer.ts';
import { eventLine } from '../../src/client/sink.ts';

describe('eventLine', () => {
  it.each([
    ['a plain event', { type: 'evaluation', value: 0.5 }, '{"type":"evaluation","value":0.5}'],
    ['NaN', { value: Number.NaN }, '{"value":"NaN"}'],
    ['+Infinity', { value: Number.POSITIVE_INFINITY }, '{"value":"INF"}'],
    ['-Infinity', { value: Number.NEGATIVE_INFINITY }, '{"value":"-INF"}'],
    ['a safe BigInt', { value: 12n }, '{"value":12}'],
    ['a huge BigInt', { value: 2n ** 70n }, `{"value":"${2n ** 70n}"}`],
    ['a real null', { value: null }, '{"value":null}'],
    ['a string that says null', { name: 'null-model' }, '{"name":"null-model"}'],
  ])('%s', (_label, event, expected) => {
    expect(eventLine(event)).toBe(expected);
  });

  it('is undefined for a circular structure', () => {
    const event: Record<string, unknown> = { type: 'evaluation' };
    event.self = event;
    expect(eventLine(event)).toBeUndefined();
  });
});

describe('ndjsonBody', () => {
  it('is the UTF-8 bytes of the lines, each ended by a newline', () => {
    const lines = ['{"a":1}', '{"name":"café 😀"}', '{"odd":"\ud800 lone"}', '', '{"b":"x"}'];
    expect(ndjsonBody(lines).equals(Buffer.from(`${lines.join('\n')}\n`))).toBe(true);
    expect(ndjsonBody([]).length).toBe(0);
  });
});
