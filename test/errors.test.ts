import { readFileSync } from 'node:fs';
import { CommanderError } from 'commander';
import { describe, expect, it } from 'vitest';
import { EXIT_CODES, exitCodeOf, exitCodeTable } from '../src/cli/exit-codes.ts';
import { codeForHttpStatus, ERROR_CODES, ProvmlError } from '../src/errors.ts';
import { HTTP_ANSWERS } from '../src/server/errors.ts';

describe('every error code has one answer at each edge', () => {
  it.each(ERROR_CODES)('%s has an HTTP status and an exit code', (code) => {
    const answer = HTTP_ANSWERS[code];
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(600);
    expect(EXIT_CODES[code]).toBeGreaterThanOrEqual(64);
    expect(EXIT_CODES[code]).toBeLessThanOrEqual(78);
    expect(exitCodeOf(new ProvmlError(code, 'x'))).toBe(EXIT_CODES[code]);
  });

  it('the tables name no code that does not exist', () => {
    expect(Object.keys(HTTP_ANSWERS).sort()).toEqual([...ERROR_CODES].sort());
    expect(Object.keys(EXIT_CODES).sort()).toEqual([...ERROR_CODES].sort());
  });

  it.each(ERROR_CODES)('a client reads the status of %s back as a code with the same status', (code) => {
    const status = HTTP_ANSWERS[code].status;
    expect(HTTP_ANSWERS[codeForHttpStatus(status)].status).toBe(status);
  });

  it('a client reads statuses provml never sends by their class', () => {
    expect(codeForHttpStatus(418)).toBe('BadRequest');
    expect(codeForHttpStatus(599)).toBe('UpstreamFailed');
  });

  it('every exit status a code maps to has a meaning, and docs/operations.md gives each code its two', () => {
    const documented = new Set(exitCodeTable().map((row) => row.exit));
    for (const exit of Object.values(EXIT_CODES)) expect(documented).toContain(exit);
    const operations = readFileSync(new URL('../docs/operations.md', import.meta.url), 'utf8');
    for (const code of ERROR_CODES)
      expect(operations).toContain(`| \`${code}\` | ${HTTP_ANSWERS[code].status} | ${EXIT_CODES[code]} |`);
  });

  it('other errors exit as Internal, Commander usage errors as Usage, help as success', () => {
    expect(exitCodeOf(new Error('bug'))).toBe(EXIT_CODES.Internal);
    expect(exitCodeOf(new CommanderError(1, 'commander.unknownOption', 'x'))).toBe(EXIT_CODES.Usage);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toBe(0);
  });
});
