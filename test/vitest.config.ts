import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TEST_WORKERS } from './support/workers.ts';

// `npm test` runs two projects in one run:
//  - default: every test, store-backed ones on the in-memory store;
//  - virtuoso: every store-backed file again, on a real Virtuoso (Debian's virtuoso-opensource) behind the
//    remote SPARQL store, one throw-away server per worker slot (test/support/virtuoso-global-setup.ts).
// The integration suites (test/integration) parametrise over the backends themselves, so they run once.

/** Every test file that opens its store through test/support/test-store.ts (store-backed features). */
const STORE_BACKED = [
  'test/cli/demo-analyses.test.ts',
  'test/cli/demo.test.ts',
  'test/cli/ingest.test.ts',
  'test/cli/query-export-import.test.ts',
  'test/cli/serve.test.ts',
  'test/interchange/roundtrip.test.ts',
  'test/ontology/ensure.test.ts',
  'test/ontology/http.test.ts',
  'test/query/catalog.test.ts',
  'test/query/catalog-tools.test.ts',
  'test/mcp/*.test.ts',
  'test/openlineage/*.test.ts',
  'test/query/comunica-client.test.ts',
  'test/query/federation.test.ts',
  'test/query/web-queries.test.ts',
  'test/server/*.test.ts',
  'test/store/online-state.test.ts',
  'test/translate/analyses.test.ts',
  'test/w3c/*.test.ts',
];

export default defineConfig({
  // This file lives in test/; paths below are relative to the project root.
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: TEST_WORKERS,
    minWorkers: 1,
    projects: [
      {
        extends: true,
        test: {
          name: 'default',
          include: ['test/**/*.test.ts'],
          exclude: ['test/bench/**', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'virtuoso',
          include: STORE_BACKED,
          env: { PROVML_TEST_BACKEND: 'virtuoso' },
          globalSetup: ['test/support/virtuoso-global-setup.ts'],
          setupFiles: ['test/support/virtuoso-setup-file.ts'],
        },
      },
    ],
  },
});
