import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TEST_NODE_FLAGS } from './support/node-flags.ts';

export default defineConfig({
  // This file lives in test/; paths below are relative to the project root.
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { execArgv: TEST_NODE_FLAGS } },
  },
});
