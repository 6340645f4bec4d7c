// The straightforward formulations the catalog's rewritten queries are checked against, and how two answers
// are compared.
import { expect } from 'vitest';
import { type Catalog, type ParamValues, runCatalogQuery } from '../../../src/query/index.ts';
import type { ProvStore, SelectResult } from '../../../src/store/index.ts';

export const REFERENCE_DIR = new URL('../../fixtures/queries/reference/', import.meta.url).pathname;

/** A result as its sorted set of solutions (row order and repeated rows do not count). */
export function solutions(result: SelectResult): string[] {
  const lines = result.rows.map((row) =>
    result.variables.map((name) => `${name}=${row[name] ? JSON.stringify(row[name]) : ''}`).join(' '),
  );
  return [...new Set(lines)].sort();
}

/** Expects query `name` of `catalog` to answer on `store` the solutions its `reference` formulation answers, each
 * once; returns how many there are. */
export async function expectSameAsReference(
  store: ProvStore,
  catalogs: { catalog: Catalog; reference: Catalog },
  name: string,
  params: ParamValues,
  label: string,
): Promise<number> {
  const expected = solutions(await runCatalogQuery(store, catalogs.reference.get(name), params));
  const actual = await runCatalogQuery(store, catalogs.catalog.get(name), params);
  expect(solutions(actual), label).toEqual(expected);
  expect(actual.rows.length, `${label}: no repeated rows`).toBe(expected.length);
  return expected.length;
}
