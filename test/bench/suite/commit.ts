import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';

const REPO_ROOT = resolve(import.meta.dirname, '../../..');

/** The short commit a benchmark ran on, recorded with its figures; undefined outside a git checkout. */
export function gitCommit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** The commit measured, marked when src/ or queries/ differ from it (uncommitted work was measured). */
export function measuredCommit(): string {
  const head = gitCommit() ?? 'unknown';
  try {
    const dirty = execFileSync('git', ['status', '--porcelain', 'src', 'queries'], {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty === '' ? head : `${head} (src/queries modified)`;
  } catch {
    return head;
  }
}
