import { describe, expect, it } from 'vitest';
import { prepareBatch } from '../../src/translate/index.ts';
import { readEvents, readJson } from './helpers.ts';

describe('prepareBatch', () => {
  it('validates and translates a whole valid batch', () => {
    const events = readEvents('lifecycle.json');
    const prepared = prepareBatch(events);
    expect(prepared.ok).toBe(true);
    if (!prepared.ok) return;
    expect(prepared.events).toEqual(events);
    expect(prepared.quads.length).toBeGreaterThan(events.length * 10);
  });

  it('is all or nothing: one bad event means no quads and every finding', () => {
    const events: unknown[] = readEvents('lifecycle.json');
    const broken = events.map((event, i) =>
      i === 5 || i === 30 ? { ...(event as object), time: 'soon' } : event,
    );
    const prepared = prepareBatch(broken);
    expect(prepared).toEqual({
      ok: false,
      errors: [
        { index: 5, path: '/time', message: expect.stringContaining('ISO-8601') },
        { index: 30, path: '/time', message: expect.stringContaining('ISO-8601') },
      ],
    });
    expect('quads' in prepared).toBe(false);
  });

  it('accepts Flowcept messages with format "flowcept" and rejects them as provml events', () => {
    const messages = readJson('events/flowcept-messages.json');
    const prepared = prepareBatch(messages, { format: 'flowcept' });
    expect(prepared.ok && prepared.events.length).toBe(6);
    const asProvml = prepareBatch(messages);
    expect(asProvml.ok).toBe(false);
    if (asProvml.ok) return;
    expect(asProvml.errors).toContainEqual({
      index: 0,
      path: '/type',
      message: expect.stringContaining('must be one of'),
    });
  });

  it('accepts status "running" on a start but records no status for it (the end alone decides)', () => {
    const start = {
      ...readEvents('lifecycle.json').find((e) => e.type === 'task.started'),
      status: 'running',
    };
    const prepared = prepareBatch([start]);
    expect(prepared.ok).toBe(true);
    if (!prepared.ok) return;
    const predicates = prepared.quads.map((q) => q.predicate.value);
    expect(predicates).not.toContain('https://w3id.org/provml#hasStatus');
    expect(predicates).not.toContain('https://w3id.org/provml#annotation');
    expect(prepareBatch([{ ...start, status: 'finished' }])).toMatchObject({
      ok: false,
      errors: [{ index: 0, path: '/status' }],
    });
  });
});
