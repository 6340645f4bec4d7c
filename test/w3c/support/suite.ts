// One W3C manifest as a vitest suite, run in both default-graph modes against a live server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PENDING_PREPARED_OPERATION, SKIP, SUPPORTED_FEATURES } from '../skips.ts';
import { runExchange } from './exchange.ts';
import type { ManifestTest } from './manifest.ts';
import { MODES, startW3cServer, type W3cServer } from './server.ts';

export interface SuiteOptions {
  /** Manifest path prefixes and the provml paths they stand for. */
  paths: Array<[string, string]>;
  /** Template variables known before the first request (the prose tests' $HOST$ …), from the server's URL. */
  variables?: (base: URL) => Array<[string, string]>;
  /** The entries build on each other's state (one store for the whole manifest), as in http-rdf-update. */
  sequential?: boolean;
}

export function conformanceSuite(title: string, tests: ManifestTest[], options: SuiteOptions): void {
  describe.each(MODES.map(({ mode, env }) => [mode, env] as const))(`${title} (%s)`, (mode, env) => {
    let server: W3cServer;
    const tally = { passed: 0, failed: 0, pending: 0, skipped: 0, total: tests.length };
    const variables = new Map<string, string>();

    beforeAll(async () => {
      server = await startW3cServer(env);
      for (const [name, value] of options.variables?.(server.base) ?? []) variables.set(name, value);
      if (options.sequential) await server.reset([]);
    });
    afterAll(async () => {
      await server?.close();
      console.info(
        `${title}, ${mode}: ${tally.passed} of ${tally.total} pass; ${tally.pending} pending sparql-prepared, ${tally.skipped} skipped, ${tally.failed} failing`,
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
      const pending = PENDING_PREPARED_OPERATION.has(test.iri);
      if (pending) tally.pending += 1;
      const run = async (): Promise<void> => {
        if (!options.sequential) await server.reset(test.graphData);
        const problems = await runExchange(test.requests, {
          base: server.base,
          paths: options.paths,
          variables: options.sequential ? variables : new Map(variables),
        });
        if (!pending) tally[problems.length === 0 ? 'passed' : 'failed'] += 1;
        expect(problems).toEqual([]);
      };
      if (pending) it.fails(`${label} [pending sparql-prepared]`, run);
      else it(label, run);
    }
  });
}

function unsupported(test: ManifestTest): string | undefined {
  const missing = test.requires.filter((feature) => !SUPPORTED_FEATURES.has(feature));
  return missing.length > 0
    ? `requires mf:${missing.join(', mf:')}, which provml does not support`
    : undefined;
}
