import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../src/capture/index.ts';
import { validateData } from '../../src/ontology/index.ts';
import { translate } from '../../src/translate/index.ts';

// The contract between the translator and the shapes: a complete captured lifecycle conforms.
describe('translated capture events against the shapes', () => {
  it('a complete lifecycle conforms', async () => {
    const file = join(import.meta.dirname, '../fixtures/events/lifecycle.json');
    const events = JSON.parse(readFileSync(file, 'utf8')) as CaptureEvent[];
    const quads = translate(events);
    expect(quads.length).toBeGreaterThan(50);
    const report = await validateData({ quads });
    expect(report.results).toEqual([]);
  });
});
