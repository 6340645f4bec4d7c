import { describe, expect, it } from 'vitest';
import { linesOf, NdjsonWriter, ndjsonBody } from '../../src/client/ndjson-writer.ts';

describe('NdjsonWriter', () => {
  it('writes numbers as JavaScript prints them, integers digit by digit', () => {
    const numbers = [
      0,
      -0,
      7,
      10,
      99,
      100,
      123456789,
      2 ** 31,
      2 ** 53 - 1,
      2 ** 53,
      1e21,
      -1,
      0.5,
      -2.5e-7,
      1 / 3,
    ];
    const out = new NdjsonWriter(64);
    for (const value of numbers) {
      out.number(value);
      out.endLine();
    }
    expect(out.body().toString()).toBe(`${numbers.map(String).join('\n')}\n`);
    expect(out.lines).toBe(numbers.length);
  });

  it('grows past its first capacity and keeps what it wrote', () => {
    const out = new NdjsonWriter(64);
    const text = 'é😀"x'.repeat(100);
    out.text(text);
    out.chunk(Buffer.from('+tail'));
    out.ascii('!');
    expect(out.body().toString()).toBe(`${text}+tail!`);
  });

  it('forgets a line abandoned half-way', () => {
    const out = new NdjsonWriter();
    out.ascii('{"a":1}');
    out.endLine();
    const start = out.length;
    out.ascii('{"half');
    out.truncate(start);
    expect(out.body().toString()).toBe('{"a":1}\n');
  });

  it('takes a spare buffer only when it is large enough', () => {
    const spare = Buffer.alloc(1024);
    expect(new NdjsonWriter(512, spare).buffer).toBe(spare);
    expect(new NdjsonWriter(4096, spare).buffer).not.toBe(spare);
  });
});

describe('linesOf', () => {
  it('gives back the lines of a body, which encode to the same bytes', () => {
    const lines = ['{"a":"é"}', '{"b":"\\ud800"}', '{}'];
    const body = ndjsonBody(lines);
    expect(linesOf(body)).toEqual(lines);
    expect(ndjsonBody(linesOf(body)).equals(body)).toBe(true);
    expect(linesOf(Buffer.from('{"torn":1}'))).toEqual(['{"torn":1}']);
    expect(linesOf(Buffer.alloc(0))).toEqual([]);
  });
});
