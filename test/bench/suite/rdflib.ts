import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadReply, QueryReply } from './engine-protocol.ts';

export const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('../rdflib/run_queries.py', import.meta.url));

export interface RdflibRun {
  version: string;
  load: LoadReply;
  queries: Record<string, QueryReply | { error: string }>;
}

/** rdflib's version, or undefined when /usr/bin/python3 or its rdflib is missing (reported as "not installed"). */
export function rdflibVersion(): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(
      PYTHON,
      ['-c', 'import rdflib; print(rdflib.__version__)'],
      { timeout: 30_000 },
      (error, stdout) => {
        resolve(error ? undefined : stdout.trim());
      },
    );
  });
}

/** Loads the files into an rdflib ConjunctiveGraph and times each query (the script enforces the budget). */
export async function runRdflib(
  request: {
    files: string[];
    queries: Array<{ name: string; query: string }>;
    warmup: number;
    reps: number;
    budgetMs: number;
  },
  timeoutMs: number,
): Promise<RdflibRun> {
  const dir = mkdtempSync(join(tmpdir(), 'provml-rdflib-'));
  const requestFile = join(dir, 'request.json');
  writeFileSync(requestFile, JSON.stringify({ ...request, budgetSeconds: request.budgetMs / 1000 }));
  try {
    const stdout = await new Promise<string>((resolve, reject) => {
      const child = spawn(PYTHON, [SCRIPT, requestFile], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (text: string) => {
        out += text;
      });
      const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
      child.on('error', reject);
      child.on('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(out);
        else
          reject(
            new Error(
              `rdflib script ended with ${signal ?? `exit ${code}`}${signal === 'SIGKILL' ? ` (over ${Math.round(timeoutMs / 1000)} s)` : ''}: ${out.slice(0, 300)}`,
            ),
          );
      });
    });
    return JSON.parse(stdout) as RdflibRun;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
