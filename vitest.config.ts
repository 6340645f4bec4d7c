import { defineConfig } from 'vitest/config';
import { TEST_NODE_FLAGS } from './test/support/node-flags.ts';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    poolOptions: { forks: { execArgv: TEST_NODE_FLAGS } },
  },
});
