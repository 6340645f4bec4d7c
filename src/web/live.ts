import { queryString } from './api.ts';

const POLL_MS = 2000;

export type LiveMode = 'stream' | 'poll';

/**
 * Calls `refresh` whenever the server says one of `executions` was written to (server-sent events from
 * GET /api/v1/live), and once when the stream opens (to catch what was written before). While the stream is
 * down (the browser retries it on its own), it polls every 2 s instead. Refreshes never overlap: a signal
 * during one asks for one more. Returns what stops it.
 */
export function watchRuns(
  executions: string[],
  refresh: () => Promise<void>,
  on: { mode: (mode: LiveMode) => void; signal: () => void },
): () => void {
  let running = false;
  let again = false;
  let stopped = false;
  let poller: ReturnType<typeof setInterval> | undefined;
  const request = async (): Promise<void> => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      do {
        again = false;
        await refresh();
      } while (again && !stopped);
    } finally {
      running = false;
    }
  };
  const poll = (): void => {
    poller ??= setInterval(() => void request(), POLL_MS);
    on.mode('poll');
  };
  const source = new EventSource(`/api/v1/live${queryString({ execution: executions })}`);
  source.addEventListener('ready', () => {
    if (poller) clearInterval(poller);
    poller = undefined;
    on.mode('stream');
    void request();
  });
  source.addEventListener('ingested', () => {
    on.signal();
    void request();
  });
  source.addEventListener('error', poll);
  return () => {
    stopped = true;
    source.close();
    if (poller) clearInterval(poller);
  };
}
