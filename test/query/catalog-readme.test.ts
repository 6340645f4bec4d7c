import { readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CATALOG_DIR, loadCatalog } from '../../src/query/catalog.ts';

// queries/README.md is the user's guide to the catalog: every analysis in it must be a catalog query, and every
// catalog query outside the web page's own (queries/web/) must be in it with each of its parameters.
const README = readFileSync(join(DEFAULT_CATALOG_DIR, 'README.md'), 'utf8');
const analyses = README.slice(
  README.indexOf('## The analyses'),
  README.indexOf('## Other ways to run queries'),
);
const sections = new Map(
  analyses
    .split(/^### /m)
    .slice(1)
    .map((section) => [(section.split('\n', 1)[0] ?? '').replace(/ \(federated\)$/, '').trim(), section]),
);

describe('queries/README.md', () => {
  it('documents every catalog query but the web page’s, with each parameter', async () => {
    const catalog = await loadCatalog();
    const documented = catalog
      .list()
      .filter((entry) => !relative(DEFAULT_CATALOG_DIR, entry.file).startsWith(`web${sep}`));
    expect(documented.length).toBeGreaterThan(10);
    for (const entry of documented) {
      const section = sections.get(entry.name);
      expect(section, `no "### ${entry.name}" section`).toBeDefined();
      for (const param of entry.params)
        expect(section, `${entry.name}: ${param.name}`).toContain(`| \`${param.name}\``);
    }
  });

  it('names no analysis the catalog lacks', async () => {
    const catalog = await loadCatalog();
    const names = new Set(catalog.list().map((entry) => entry.name));
    expect(sections.size).toBeGreaterThan(10);
    for (const name of sections.keys()) expect(names.has(name), name).toBe(true);
  });
});
