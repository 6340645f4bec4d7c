import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { contentDigest, KnownEvents } from '../../src/translate/known-events.ts';

describe('KnownEvents', () => {
  it('holds a graph only once loaded completely, and records written to it after', () => {
    const known = new KnownEvents();
    known.set('g', 'e1', 'd1');
    expect(known.holds('g')).toBe(false);
    known.load('g', ['e0']);
    known.set('g', 'e1', 'd1');
    expect([known.digestOf('g', 'e0'), known.digestOf('g', 'e1'), known.digestOf('g', 'e2')]).toEqual([
      null,
      'd1',
      undefined,
    ]);
  });

  it('evicts the least recently used graphs beyond its bound, never the one just loaded', () => {
    const known = new KnownEvents(3);
    known.load('a', ['1', '2']);
    known.load('b', ['1']);
    expect(known.holds('a')).toBe(true);
    known.load('c', ['1', '2']);
    expect([known.holds('a'), known.holds('b'), known.holds('c')]).toEqual([false, false, true]);
    known.load('big', ['1', '2', '3', '4']);
    expect(known.holds('big')).toBe(true);
  });

  it('forgets named graphs, or all', () => {
    const known = new KnownEvents();
    known.load('a', []);
    known.load('b', []);
    known.forget(['a']);
    expect([known.holds('a'), known.holds('b')]).toEqual([false, true]);
    known.forget();
    expect(known.holds('b')).toBe(false);
  });

  it('fingerprints content as the base64 SHA-256 of its UTF-8 text', () => {
    const content = '{"id":"é-1","value":0.5}';
    expect(contentDigest(content)).toBe(createHash('sha256').update(content, 'utf8').digest('base64'));
    expect(contentDigest(content)).not.toBe(contentDigest(`${content} `));
  });
});
