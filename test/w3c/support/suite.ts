// One W3C manifest as a vitest suite, run in both default-graph modes against a live server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SKIP, SUPPORTED_FEATURES } from '../skips.ts';
import { runExchange } from './exchange.ts';
import type { ManifestTest } from './manifest.ts';
import { MODES, STORES, startW3cServer, type W3cServer } from './server.ts';

export interface SuiteOptions {
  /** Manifest path prefixes and the provml paths they stand for. */
  paths: Array<[string, string]>;
  /** Template variables known before the first request (the prose tests' $HOST$ …), from the server's URL. */
  variables?: (base: URL) => Array<[string, string]>;
  /** The entries build on each other's state (one store for the whole manifest), as in http-rdf-update. */
  sequential?: boolean;
  /** How many entries the manifest has, so a reader that loses some cannot pass by running fewer. */
  entries: number;
}

export function conformanceSuite(title: string, tests: ManifestTest[], options: SuiteOptions): void {
  describe(`${title}: the manifest as read`, () => {
    it(`has ${options.entries} entries, each with at least one HTTP request and an expected status`, () => {
      expect(tests).toHaveLength(options.entries);
      for (const test of tests) {
        expect(test.requests.length, test.iri).toBeGreaterThan(0);
        for (const step of test.requests) expect(step.response.statuses.length, test.iri).toBeGreaterThan(0);
      }
    });
  });

  const runs = STORES.flatMap((store) =>
    MODES.map(({ mode, env }) => [`${mode}, ${store}`, env, store] as const),
  );
  describe.each(runs)(`${title} (%s)`, (mode, env, store) => {
    let server: W3cServer;
    const tally = { passed: 0, failed: 0, skipped: 0, total: tests.length };
    const variables = new Map<string, string>();

    beforeAll(async () => {
      server = await startW3cServer(env, store);
      for (const [name, value] of options.variables?.(server.base) ?? []) variables.set(name, value);
      if (options.sequential) await server.reset([]);
    });
    afterAll(async () => {
      await server?.close();
      console.info(
        `${title}, ${mode}: ${tally.passed} of ${tally.total} pass; ${tally.skipped} skipped, ${tally.failed} failing`,
      );
    });

    for (const test of tests) {
      const label = `${test.iri.slice(test.iri.lastIndexOf('#') + 1)}: ${test.name}`;
      const reason = SKIP.get(test.iri) ?? unsupported(test);
      if (reason) {
        tally.skipped += 1;
        it.skip(`${label} [skipped: ${reason}]`, () => undefined);
        continue;
      }
      const run = async (): Promise<void> => {
        expect(test.requests.length, 'an entry without a request would pass without testing').toBeGreaterThan(
          0,
        );
        if (!options.sequential) await server.reset(test.graphData);
        const problems = await runExchange(test.requests, {
          base: server.base,
          paths: options.paths,
          variables: options.sequential ? variables : new Map(variables),
        });
        tally[problems.length === 0 ? 'passed' : 'failed'] += 1;
        expect(problems).toEqual([]);
      };
      it(label, run);
    }
  });
}

function unsupported(test: ManifestTest): string | undefined {
  const missing = test.requires.filter((feature) => !SUPPORTED_FEATURES.has(feature));
  return missing.length > 0
    ? `requires mf:${missing.join(', mf:')}, which provml does not support`
    : undefined;
}
