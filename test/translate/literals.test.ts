import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../src/capture/index.ts';
import { translate } from '../../src/translate/index.ts';
import { prov, xsd } from '../../src/vocab.ts';
import { readEvents } from './helpers.ts';

function valueDatatypes(events: CaptureEvent[]): string[] {
  return translate(events)
    .filter((q) => q.predicate.value === prov('value') && q.object.termType === 'Literal')
    .map((q) => (q.object.termType === 'Literal' ? q.object.datatype.value : ''));
}

describe('measured values are always xsd:double', () => {
  it('a whole-number evaluation value (JSON 1.0 parses as 1) is typed xsd:double', () => {
    const [evaluation] = readEvents('evaluation.json') as Array<CaptureEvent & { value: number }>;
    const whole = { ...evaluation, value: 1 } as CaptureEvent;
    expect(valueDatatypes([whole])).toEqual([xsd('double')]);
  });

  it('NaN and the infinities (JSON strings "NaN", "INF", "-INF") are xsd:double too', () => {
    const [evaluation] = readEvents('evaluation.json') as Array<CaptureEvent & { value: number }>;
    const values = ['NaN', 'INF', '-INF'].map(
      (value) => ({ ...evaluation, id: value, value }) as CaptureEvent,
    );
    expect(valueDatatypes(values)).toEqual([xsd('double'), xsd('double'), xsd('double')]);
    const lexical = translate([{ ...evaluation, value: Number.NEGATIVE_INFINITY } as CaptureEvent])
      .filter((q) => q.predicate.value === prov('value'))
      .map((q) => q.object.value);
    expect(lexical).toEqual(['-INF']);
  });
});
