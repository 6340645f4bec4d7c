import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';

// `provml serve` in a process of its own, for the end-to-end tests and the benchmarks.

const BIN = resolve(import.meta.dirname, '../../src/cli/provml.js');

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  /** Everything the server wrote to stderr so far. */
  stderr: () => string;
  /** Sends SIGNAL (default SIGTERM) and resolves once the process has exited, so its files can be removed. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
}

/** Starts `provml serve ARGS…` and resolves once it prints where it listens (rejects if it exits first). */
export async function startServeProcess(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; nodeFlags?: string[]; onSpawn?: (child: ChildProcess) => void } = {},
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [...(options.nodeFlags ?? []), BIN, 'serve', ...args], {
    env: options.env ?? process.env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  options.onSpawn?.(child);
  let stderr = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /provml serving on (http:\/\/\S+) /.exec(stderr);
      if (match?.[1]) resolveUrl(match[1]);
    });
    child.once('exit', (code, signal) =>
      reject(new Error(`provml serve exited with ${code ?? signal} before listening: ${stderr}`)),
    );
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM'): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));
    child.kill(signal);
    await exited;
  };
  return { child, url, stderr: () => stderr, stop };
}
