import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EngineProgress, EngineReply, EngineRequest, LoadReply, QueryReply } from './engine-protocol.ts';

const CHILD = fileURLToPath(new URL('./engine-child.ts', import.meta.url));

export class EngineTimeout extends Error {
  constructor(readonly ms: number) {
    super(`no answer within ${Math.round(ms / 1000)} s`);
  }
}

/** The parent side of engine-child.ts: one child process, requests one at a time, killed on timeout. */
export class EngineHost {
  private constructor(private child: ChildProcess) {}

  static async start(): Promise<EngineHost> {
    const child = fork(CHILD, [], {
      execArgv: [
        ...process.execArgv.filter((arg) => !arg.startsWith('--max-old-space-size')),
        '--expose-gc',
        '--max-old-space-size=8192',
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    const host = new EngineHost(child);
    await host.next(60_000);
    return host;
  }

  load(files: string[], timeoutMs: number): Promise<LoadReply> {
    return this.request({ op: 'load', files }, timeoutMs) as Promise<LoadReply>;
  }

  rawLoad(files: string[], timeoutMs: number): Promise<LoadReply> {
    return this.request({ op: 'rawload', files }, timeoutMs) as Promise<LoadReply>;
  }

  query(
    request: Omit<Extract<EngineRequest, { op: 'query' }>, 'op'>,
    timeoutMs: number,
  ): Promise<QueryReply> {
    return this.request({ op: 'query', ...request }, timeoutMs) as Promise<QueryReply>;
  }

  stop(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }

  private async request(message: EngineRequest, timeoutMs: number): Promise<unknown> {
    const reply = this.next(timeoutMs);
    this.child.send(message);
    return reply;
  }

  /** The next reply; on timeout (no reply nor progress for timeoutMs) or exit the child is killed and the promise rejects. */
  private next(timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const expire = (): void => {
        done();
        this.stop();
        reject(new EngineTimeout(timeoutMs));
      };
      let timer = setTimeout(expire, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.child.off('message', onMessage);
        this.child.off('exit', onExit);
      };
      const onMessage = (reply: EngineReply | EngineProgress): void => {
        if ('progress' in reply) {
          clearTimeout(timer);
          timer = setTimeout(expire, timeoutMs);
          return;
        }
        done();
        if (reply.ok) resolve(reply.value);
        else reject(new Error(reply.error));
      };
      const onExit = (code: number | null, signal: string | null): void => {
        done();
        reject(new Error(`engine process ended (${signal ?? `exit ${code}`}), likely out of memory`));
      };
      this.child.on('message', onMessage);
      this.child.once('exit', onExit);
    });
  }
}
