import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { SUBCOMMANDS } from '../../src/cli/main.ts';

const ROOT = resolve(import.meta.dirname, '../..');

/** Runs main(argv) in a fresh Node process and returns its output and every module URL it loaded. */
function runMain(argv: string[]): { stdout: string; loaded: string[] } {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = [];
    registerHooks({ load(url, context, next) { loaded.push(url); return next(url, context); } });
    const { main } = await import(${JSON.stringify(`${ROOT}/src/cli/main.ts`)});
    const code = await main(${JSON.stringify(argv)});
    process.stdout.write('\\n@@' + JSON.stringify({ code, loaded }));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  const at = out.lastIndexOf('\n@@');
  const { code, loaded } = JSON.parse(out.slice(at + 3)) as { code: number; loaded: string[] };
  expect(code).toBe(0);
  return { stdout: out.slice(0, at), loaded };
}

const HEAVY = [
  '/node_modules/oxigraph/',
  '/node_modules/@comunica/',
  '/node_modules/express/',
  '/src/server/',
  '/src/store/',
];

describe('provml start-up', () => {
  it.each(Object.keys(SUBCOMMANDS))("lists %s with the subcommand's own description", async (name) => {
    const program = new Command('provml');
    (await SUBCOMMANDS[name]?.load())?.(program);
    const command = program.commands.find((candidate) => candidate.name() === name);
    expect(command?.description()).toBe(SUBCOMMANDS[name]?.summary);
  });

  it('answers --version from package.json without loading the server, the store or Comunica', () => {
    const { version } = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8'));
    const { stdout, loaded } = runMain(['--version']);
    expect(stdout.trim()).toBe(version);
    expect(loaded.filter((url) => HEAVY.some((part) => url.includes(part)))).toEqual([]);
  });

  it('lists every subcommand in --help without loading any of them', () => {
    const { stdout, loaded } = runMain(['--help']);
    for (const name of Object.keys(SUBCOMMANDS)) expect(stdout).toMatch(new RegExp(`\\n  ${name} +\\S`));
    const subcommands = loaded.filter(
      (url) => url.includes('/src/cli/') && !/\/(main|exit-codes)\.ts$/.test(url),
    );
    expect(subcommands).toEqual([]);
  });

  it('loads only the subcommand that runs', () => {
    const { stdout, loaded } = runMain(['export', '--help']);
    expect(stdout).toContain('--experiment');
    const cli = loaded.filter((url) => url.includes('/src/cli/')).map((url) => url.split('/').pop());
    expect(cli).toContain('export.ts');
    expect(cli).not.toContain('serve.ts');
    expect(loaded.filter((url) => url.includes('/src/server/'))).toEqual([]);
  });
});
