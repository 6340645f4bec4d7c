import { describe, expect, it } from 'vitest';
import { type CaptureEvent, canonicalJson, eventContent, firstDifference } from '../../src/capture/index.ts';

const event = (extra: Record<string, unknown> = {}): CaptureEvent =>
  ({
    type: 'evaluation',
    schema: 'provml/1',
    id: 'e1',
    time: '2024-05-01T10:00:00.000Z',
    workflowExecutionId: 'run',
    measure: 'loss',
    value: 0.5,
    ...extra,
  }) as CaptureEvent;

describe('event identity', () => {
  it.each([
    ['key order', { b: 1, a: { d: 2, c: 3 } }, { a: { c: 3, d: 2 }, b: 1 }],
    ['undefined members', { a: 1, b: undefined }, { a: 1 }],
    ['number spelling', JSON.parse('{"a":1.0,"b":1e2}'), { a: 1, b: 100 }],
  ])('canonical JSON ignores %s', (_what, a, b) => {
    expect(canonicalJson(a)).toBe(canonicalJson(b));
  });

  it.each([
    ['array order', [1, 2], [2, 1]],
    ['a value', { a: 1 }, { a: 2 }],
    ['a type', { a: 1 }, { a: '1' }],
    ['an extra member', { a: 1 }, { a: 1, b: null }],
  ])('canonical JSON tells apart %s', (_what, a, b) => {
    expect(canonicalJson(a)).not.toBe(canonicalJson(b));
  });

  it('the content of an event is its canonical JSON, annotations and unknown fields included', () => {
    expect(eventContent(event({ note: 'x' }))).toBe(
      eventContent({ note: 'x', ...event() } as unknown as CaptureEvent),
    );
    expect(eventContent(event({ note: 'x' }))).not.toBe(eventContent(event({ note: 'y' })));
    expect(JSON.parse(eventContent(event()))).toEqual(event());
  });

  it.each([
    ['a changed value', event(), event({ value: 0.9 }), { path: '/value', recorded: 0.5, sent: 0.9 }],
    [
      'an added field',
      event(),
      event({ stage: 'training' }),
      { path: '/stage', recorded: undefined, sent: 'training' },
    ],
    [
      'a nested field',
      event({ section: { kind: 'epoch', index: 1 } }),
      event({ section: { kind: 'epoch', index: 2 } }),
      { path: '/section/index', recorded: 1, sent: 2 },
    ],
    [
      'a key with a slash',
      event({ annotations: { 'a/b': 1 } }),
      event({ annotations: { 'a/b': 2 } }),
      { path: '/annotations/a~1b', recorded: 1, sent: 2 },
    ],
  ])('firstDifference names %s by JSON pointer', (_what, recorded, sent, expected) => {
    expect(firstDifference(recorded, sent)).toEqual(expected);
  });

  it('firstDifference is undefined for the same content in another key order', () => {
    expect(firstDifference(event(), JSON.parse(JSON.stringify(event())))).toBeUndefined();
  });

  it('writes canonical JSON as sorted JSON.stringify would, undefined members and holes handled', () => {
    // Key order by UTF-16 code units, like the sort the serializer uses; an undefined first member leaves no comma.
    const value = { b: [1, undefined, { z: null, y: 'é' }], a: undefined, é: 1, Z: true, c: {} };
    expect(canonicalJson(value)).toBe('{"Z":true,"b":[1,null,{"y":"é","z":null}],"c":{},"é":1}');
    expect(canonicalJson({ a: undefined })).toBe('{}');
    expect(canonicalJson([])).toBe('[]');
    expect(canonicalJson('x"y')).toBe(JSON.stringify('x"y'));
    expect(canonicalJson(undefined)).toBe('null');
  });
});
