import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs another benchmark script of test/bench (written by the layer's owner) in its own process with
 * `--out <file>`, and returns the JSON it wrote. Its own process keeps its memory figures clean.
 */
export async function runBenchScript<T>(script: string, args: string[], timeoutMs: number): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'provml-bench-'));
  const out = join(dir, 'result.json');
  try {
    await new Promise<void>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', script, ...args, '--out', out], {
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (text: string) => {
        stderr = (stderr + text).slice(-2000);
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve();
        else
          reject(
            new Error(
              `${script} ended with ${signal ?? `exit ${code}`}${signal === 'SIGKILL' ? ` after ${Math.round(timeoutMs / 1000)} s` : ''}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`,
            ),
          );
      });
    });
    return JSON.parse(readFileSync(out, 'utf8')) as T;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
