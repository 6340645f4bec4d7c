import { describe, expect, it } from 'vitest';
import { parseNdjson, validateBatch, withLines } from '../../src/capture/index.ts';

const event = (id: string) => ({
  type: 'workflow.ended',
  schema: 'provml/1',
  id,
  time: '2024-05-01T10:00:00Z',
  workflowExecutionId: 'w',
  status: 'finished',
});

describe('parseNdjson', () => {
  it('parses one value per line, skipping blank lines and accepting CRLF', () => {
    const text = `${JSON.stringify(event('a'))}\r\n\n  \n${JSON.stringify(event('b'))}\n`;
    expect(parseNdjson(text)).toEqual({ ok: true, items: [event('a'), event('b')], lines: [1, 4] });
    expect(parseNdjson('')).toEqual({ ok: true, items: [], lines: [] });
  });

  it('reports every unparsable line with its line number', () => {
    const result = parseNdjson(
      `${JSON.stringify(event('a'))}\n{"type": \n\n[1,2\n${JSON.stringify(event('b'))}`,
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map((e) => [e.line, e.index])).toEqual([
      [2, 1],
      [4, 2],
    ]);
    expect(result.errors[0]?.message).toMatch(/^line 2 is not valid JSON/);
  });

  it('lets validation findings name the NDJSON line', () => {
    const bad = { ...event('b'), status: 'ok' };
    const parsed = parseNdjson(`\n${JSON.stringify(event('a'))}\n\n${JSON.stringify(bad)}`);
    if (!parsed.ok) throw new Error('unexpected parse failure');
    const result = validateBatch(parsed.items);
    if (result.ok) throw new Error('expected a validation failure');
    expect(withLines(result.errors, parsed.lines)).toEqual([
      { index: 1, line: 4, path: '/status', message: expect.any(String) },
    ]);
  });
});
