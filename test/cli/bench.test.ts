import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

describe('provml bench', () => {
  it('hands its options to the benchmark suite and returns the suite’s exit code', async () => {
    // An unknown option makes the suite print its usage and exit 2 before measuring anything.
    const result = await runCli('bench', '--', '--no-such-option');
    expect(result.code).toBe(2);
  });
});
