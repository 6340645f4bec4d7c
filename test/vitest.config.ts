import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TEST_WORKERS } from './support/workers.ts';

// `npm test` runs two projects in one run:
//  - default: every test, store-backed ones on the in-memory store;
//  - virtuoso: every store-backed file again, on a real Virtuoso (Debian's virtuoso-opensource) behind the
//    remote SPARQL store, one throw-away server per worker slot (test/support/virtuoso-global-setup.ts).
// The integration suites (test/integration) parametrise over the backends themselves, so they run once.

/**
 * Store-backed features are a naming convention: a file named `*.store.test.ts` opens its store through
 * test/support/test-store.ts, so it runs once per backend. A new store-backed test needs only its name.
 */
const STORE_BACKED = ['test/**/*.store.test.ts'];

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
