import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// The Python client's own suite (unittest, standard library only) runs inside `npm test`, one module per test.
// Debian's /usr/bin/python3 sees python3-torch and python3-sklearn; under CI=true their absence fails the tests,
// elsewhere those tests are skipped with a message saying what to install.

const ROOT = resolve(import.meta.dirname, '../..');
const HERE = join(ROOT, 'test', 'python');
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const MODULES = readdirSync(HERE)
  .filter((name) => /^test_.*\.py$/.test(name))
  .map((name) => name.replace(/\.py$/, ''))
  .sort();

function runUnittest(module: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(PYTHON, ['-m', 'unittest', '-v', module], {
      cwd: HERE,
      env: {
        ...process.env,
        PYTHONPATH: join(ROOT, 'src', 'python'),
        PYTHONDONTWRITEBYTECODE: '1',
        PROVML_NODE: process.execPath,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      output += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => resolveRun({ code, output }));
  });
}

describe(`Python client (${PYTHON}, test/python)`, () => {
  it('finds the Python test modules', () => {
    expect(MODULES.length).toBeGreaterThan(0);
  });
  for (const module of MODULES) {
    it(module, { timeout: 180_000 }, async () => {
      const { code, output } = await runUnittest(module);
      process.stdout.write(`\n--- ${PYTHON} -m unittest ${module}\n${output}`);
      expect(code, output.slice(-6000)).toBe(0);
    });
  }
});
