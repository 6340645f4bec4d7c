import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareVersions, SERVER_NODE_MINIMUM, unsupportedNode } from '../src/node-support.ts';

/** The lowest version a `engines.node` range admits: the lowest lower bound among its `||` alternatives. */
const floorOf = (range: string): string =>
  range
    .split('||')
    .map((alternative) => alternative.match(/\d+(?:\.\d+){0,2}/)?.[0] ?? '0')
    .reduce((low, version) => (compareVersions(version, low) < 0 ? version : low));

describe('the Node.js floor of the server', () => {
  it('is the highest floor among the runtime dependencies in package-lock.json', () => {
    const lock = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; optional?: boolean; engines?: { node?: string } }>;
    };
    let highest = '0.0.0';
    for (const [path, entry] of Object.entries(lock.packages)) {
      const range = entry.engines?.node;
      if (path === '' || entry.dev || entry.optional || range === undefined) continue;
      const floor = floorOf(range);
      if (compareVersions(floor, highest) > 0) highest = floor;
    }
    expect(compareVersions(highest, SERVER_NODE_MINIMUM)).toBe(0);
  });

  it('says why a release below it is unsupported, and nothing at or above it', () => {
    expect(unsupportedNode('20.20.2')).toMatch(/Node\.js 20\.20\.2 is older than the 22\.19\.0/);
    expect(unsupportedNode('22.18.9')).toBeDefined();
    expect(unsupportedNode('22.19.0')).toBeUndefined();
    expect(unsupportedNode('v22.19.0')).toBeUndefined();
    expect(unsupportedNode('24.21.0')).toBeUndefined();
    expect(unsupportedNode('100.0.0')).toBeUndefined();
  });

  it('compares versions by number, not as text', () => {
    expect(compareVersions('22.9.0', '22.19.0')).toBeLessThan(0);
    expect(compareVersions('22.19', '22.19.0')).toBe(0);
    expect(compareVersions('3.0.0', '22.0.0')).toBeLessThan(0);
  });
});
