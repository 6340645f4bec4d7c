import { describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { runCli } from '../support/run-cli.ts';

const NOBODY = 'http://127.0.0.1:9';

describe('provml exits with the status of the error code', () => {
  it('a wrong flag value is Usage (64), as is an option Commander does not know', async () => {
    expect((await runCli('query', 'x', '--format', 'nope', '--url', NOBODY)).code).toBe(EXIT_CODES.Usage);
    const unknown = await runCli('--no-such-option');
    expect(unknown.code).toBe(EXIT_CODES.Usage);
    expect(EXIT_CODES.Usage).toBe(64);
  });

  it('malformed SPARQL is BadRequest (65), refused before anything is sent', async () => {
    const run = await runCli('query', 'SELECT * WHERE {', '--url', NOBODY);
    expect(run.code).toBe(65);
    expect(run.stderr).toMatch(/^provml: /);
  });

  it('a server that does not answer is Unavailable (69)', async () => {
    const run = await runCli('query', 'ASK {}', '--url', NOBODY);
    expect(run.code).toBe(69);
    expect(run.stderr).toContain('Cannot reach the provml server');
  });

  it('--help documents every exit status with the codes it stands for', async () => {
    const help = await runCli('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Exit status:');
    for (const code of ERROR_CODES)
      expect(help.stdout).toMatch(new RegExp(`\\b${EXIT_CODES[code]} .*\\b${code}\\b`));
  });
});
