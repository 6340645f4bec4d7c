import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createRecorder, type Recorder } from '../../src/client/index.ts';
import { dumpText } from '../../src/store/index.ts';
import { type InProcessServer, startInProcessServer } from '../cli/in-process-server.ts';

// The TypeScript client delivers at least once: an answer lost after the server wrote the batch means the batch
// comes again (a retry, or the spill file a later recorder delivers). Same events, so no conflict, no change.

let server: InProcessServer;
let dir: string;

beforeEach(async () => {
  server = await startInProcessServer();
  dir = mkdtempSync(join(tmpdir(), 'provml-redelivery-'));
});

afterEach(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const options = (extra: Parameters<typeof createRecorder>[0] = {}) => ({
  url: server.url,
  idPrefix: 'redelivery',
  spillFile: join(dir, 'spill.ndjson'),
  retryBaseMs: 1,
  retryMaxMs: 5,
  flushIntervalMs: 10,
  onWarning: () => undefined,
  ...extra,
});

/** A small training run with explicit times, so two recordings of it are the same events. */
function record(recorder: Recorder): void {
  recorder.workflowStarted({
    name: 'train',
    workflowExecutionId: 'redelivery-run',
    time: '2024-05-01T10:00:00.000Z',
  });
  const task = recorder.taskStarted({ name: 'fit', stage: 'training', time: '2024-05-01T10:00:01.000Z' });
  for (let epoch = 1; epoch <= 3; epoch++)
    recorder.logMetric('loss', 1 / epoch, {
      epoch,
      taskId: task,
      time: `2024-05-01T10:00:0${epoch + 1}.000Z`,
    });
  recorder.taskEnded({ taskId: task, time: '2024-05-01T10:00:09.000Z' });
  recorder.workflowEnded({ time: '2024-05-01T10:00:10.000Z' });
}

/** fetch that lets the request reach the server, then loses its answer the first `times` times. */
function losingAnswers(times: number): typeof fetch {
  let lost = 0;
  return (async (input, init) => {
    const response = await fetch(input, init);
    await response.arrayBuffer();
    if (lost < times) {
      lost++;
      throw new TypeError('fetch failed: the connection dropped before the answer');
    }
    return response;
  }) as typeof fetch;
}

async function dump(): Promise<string[]> {
  return (await dumpText(server.store.dump({ format: 'application/n-quads' })))
    .split('\n')
    .filter(Boolean)
    .sort();
}

describe('client redelivery is conflict-free', () => {
  it('a retry after a lost answer delivers the same events again: accepted, nothing doubled', async () => {
    const once = createRecorder(options({ idPrefix: 'clean' }));
    record(once);
    expect(await once.close()).toMatchObject({ complete: true, rejected: 0 });
    const clean = (await server.store.stats()).quads;
    for (const graph of await server.store.listGraphs())
      await server.store.dropGraph({ termType: 'NamedNode', value: graph });

    const recorder = createRecorder(options({ fetch: losingAnswers(2) }));
    record(recorder);
    const summary = await recorder.close({ timeoutMs: 10_000 });
    expect(summary).toMatchObject({ complete: true, rejected: 0, pending: 0 });
    expect((await server.store.stats()).quads).toBe(clean);
    expect(existsSync(join(dir, 'spill.rejected.ndjson'))).toBe(false);
  });

  it('a spill file holding events the server already wrote is delivered by a later recorder without conflict', async () => {
    const first = createRecorder(options({ fetch: losingAnswers(Number.POSITIVE_INFINITY) }));
    record(first);
    const spilled = await first.close({ timeoutMs: 3_000 });
    expect(spilled.complete).toBe(false);
    expect(spilled.spilled).toBeGreaterThan(0);
    const written = await dump();
    expect(written.length).toBeGreaterThan(0);

    const later = createRecorder(options());
    const summary = await later.close({ timeoutMs: 10_000 });
    expect(summary).toMatchObject({ complete: true, rejected: 0, pending: 0 });
    expect(summary.delivered).toBe(spilled.spilled);
    expect(await dump()).toEqual(written);
    expect(existsSync(join(dir, 'spill.rejected.ndjson'))).toBe(false);
  });
});
