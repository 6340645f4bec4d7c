import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The virtuoso project picks its files by name (`*.store.test.ts`): a store-backed test under another name
// would silently run on the in-memory store only.

const ROOT = resolve(import.meta.dirname, '../..');
const TEST = join(ROOT, 'test');
/** Suites that parametrise over the backends themselves, so they run once. */
const SELF_PARAMETRISED = new Set(['test/integration/backends.test.ts', 'test/integration/features.test.ts']);

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory())
      return entry.name === 'bench' || entry.name === 'fixtures' ? [] : testFiles(path);
    return entry.name.endsWith('.test.ts') ? [relative(ROOT, path)] : [];
  });
}

describe('test layout', () => {
  const files = testFiles(TEST);

  it('names every test that opens the shared test store *.store.test.ts', () => {
    const misnamed = files.filter(
      (file) =>
        !file.endsWith('.store.test.ts') &&
        !SELF_PARAMETRISED.has(file) &&
        /support\/test-store\.ts'/.test(readFileSync(join(ROOT, file), 'utf8')),
    );
    expect(misnamed).toEqual([]);
  });

  it('finds the store-backed tests (the convention is in use)', () => {
    expect(files.filter((file) => file.endsWith('.store.test.ts')).length).toBeGreaterThan(30);
  });
});
