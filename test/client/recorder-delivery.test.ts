import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expandSeries, parseNdjson } from '../../src/capture/index.ts';
import { createRecorder, type RecorderOptions } from '../../src/client/index.ts';
import { type Collector, startCollector } from './collector.ts';

let dir: string;
let collector: Collector;
let warnings: string[];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'provml-client-'));
  collector = await startCollector();
  warnings = [];
});

afterEach(async () => {
  await collector.close();
  rmSync(dir, { recursive: true, force: true });
});

function recorderFor(options: Partial<RecorderOptions> = {}) {
  return createRecorder({
    url: collector.url,
    spillFile: join(dir, 'spill.ndjson'),
    onWarning: (message) => warnings.push(message),
    retryBaseMs: 1,
    retryMaxMs: 5,
    random: () => 0.5,
    ...options,
  });
}

const metricValues = (collector: Collector): unknown[] =>
  collector.received.filter((event) => event.type === 'evaluation').map((event) => event.value);

describe('recorder delivery', () => {
  it('flush() delivers every event, in order, in batches', async () => {
    const recorder = recorderFor({ batchSize: 100 });
    recorder.workflowStarted({ name: 'training' });
    for (let i = 0; i < 1234; i++) recorder.logMetric('loss', i, { epoch: i });
    const summary = await recorder.flush();
    expect(summary).toMatchObject({ complete: true, delivered: 1235, pending: 0, rejected: 0 });
    expect(metricValues(collector)).toEqual(Array.from({ length: 1234 }, (_, i) => i));
    expect(collector.requests).toBeGreaterThanOrEqual(13);
    await recorder.close();
    expect(warnings).toEqual([]);
  });

  it('sends every batch over one keep-alive connection', async () => {
    const recorder = recorderFor({ batchSize: 10 });
    recorder.workflowStarted({ name: 'training' });
    for (let i = 0; i < 95; i++) recorder.logMetric('loss', i, { epoch: i });
    expect(await recorder.close()).toMatchObject({ complete: true, delivered: 96 });
    expect(collector.requests).toBe(10);
    expect(collector.connections).toBe(1);
  });

  it('sends the token as a Bearer credential', async () => {
    const recorder = recorderFor({ token: 's3cret' });
    recorder.workflowStarted({ name: 'w' });
    await recorder.close();
    expect(collector.authorization).toEqual(['Bearer s3cret']);
  });

  it('never throws into the caller while fetch rejects, and keeps every event in the spill file at close', async () => {
    const recorder = recorderFor({
      fetch: async () => {
        throw new TypeError('fetch failed');
      },
    });
    expect(() => {
      const workflow = recorder.workflowStarted({ name: 'training' });
      const task = recorder.taskStarted({ name: 'train', stage: 'training', workflowExecutionId: workflow });
      for (let i = 0; i < 20; i++) recorder.logMetric('loss', i, { taskId: task, epoch: i });
      recorder.taskEnded({ taskId: task });
      recorder.workflowEnded();
    }).not.toThrow();
    const flushed = await recorder.flush({ timeoutMs: 0 });
    expect(flushed).toMatchObject({ complete: false, delivered: 0, pending: 24 });
    const closed = await recorder.close({ timeoutMs: 0 });
    expect(closed).toMatchObject({ complete: false, pending: 24, spilled: 24 });
    const spilled = readFileSync(join(dir, 'spill.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(spilled.map((event) => event.type)).toEqual([
      'workflow.started',
      'task.started',
      ...Array(20).fill('evaluation'),
      'task.ended',
      'workflow.ended',
    ]);
    expect(warnings.filter((w) => w.includes('cannot deliver'))).toHaveLength(1);
  });

  it('spills beyond the memory bound with one warning, then delivers everything in order once the server is back', async () => {
    collector.mode = 'unavailable';
    const recorder = recorderFor({ maxBufferedEvents: 10, batchSize: 4 });
    for (let i = 0; i < 50; i++) recorder.logMetric('loss', i);
    const first = await recorder.flush({ timeoutMs: 0 });
    expect(first.complete).toBe(false);
    expect(first.pending).toBe(50);
    expect(first.pending - first.spilled).toBeLessThanOrEqual(10);
    expect(existsSync(join(dir, 'spill.ndjson'))).toBe(true);
    for (let i = 50; i < 100; i++) recorder.logMetric('loss', i);
    const second = await recorder.flush({ timeoutMs: 0 });
    expect(second.pending - second.spilled).toBeLessThanOrEqual(10);
    expect(warnings.filter((w) => w.includes('the oldest are kept in'))).toHaveLength(1);
    expect(collector.received).toEqual([]);

    collector.mode = 'up';
    const delivered = await recorder.flush();
    expect(delivered).toMatchObject({ complete: true, delivered: 100, pending: 0, spilled: 0 });
    expect(metricValues(collector)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(existsSync(join(dir, 'spill.ndjson'))).toBe(false);
    await recorder.close();
    expect(warnings.filter((w) => w.includes('the oldest are kept in'))).toHaveLength(1);
  });

  it('delivers a spill file left by an earlier process first', async () => {
    const earlier = createRecorder({ file: join(dir, 'spill.ndjson') });
    earlier.logMetric('loss', 0, { workflowExecutionId: 'run-0' });
    earlier.logMetric('loss', 1, { workflowExecutionId: 'run-0' });
    await earlier.close();
    // The offline file holds the two as one metric series: the later recorder counts them as two.
    expect(readFileSync(join(dir, 'spill.ndjson'), 'utf8').trim().split('\n')).toHaveLength(1);
    const recorder = recorderFor();
    recorder.logMetric('loss', 2, { workflowExecutionId: 'run-1' });
    expect(await recorder.flush()).toMatchObject({ complete: true, pending: 0, delivered: 3 });
    expect(metricValues(collector)).toEqual([0, 1, 2]);
    expect(existsSync(join(dir, 'spill.ndjson'))).toBe(false);
    await recorder.close();
  });

  it('close() with a deadline against a server that never answers keeps everything in the spill file', async () => {
    collector.mode = 'hang';
    const recorder = recorderFor();
    for (let i = 0; i < 5; i++) recorder.logMetric('accuracy', i / 10);
    const summary = await recorder.close({ timeoutMs: 50 });
    expect(summary).toMatchObject({ complete: false, delivered: 0, pending: 5, spilled: 5 });
    const lines = readFileSync(join(dir, 'spill.ndjson'), 'utf8').trim().split('\n');
    // Sent as one metric series (a retry resends its very line), and kept so.
    expect(lines).toHaveLength(1);
    const events = expandSeries(lines.map((line) => JSON.parse(line))).items as Array<{ value: number }>;
    expect(events.map((event) => event.value)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
  });

  it('gives up on a request past requestTimeoutMs, says so, and delivers the same events once the server answers', async () => {
    collector.mode = 'hang';
    const recorder = recorderFor({ requestTimeoutMs: 100, retryBaseMs: 10, retryMaxMs: 20 });
    for (let i = 0; i < 3; i++) recorder.logMetric('loss', i);
    expect(await recorder.flush({ timeoutMs: 150 })).toMatchObject({ complete: false, pending: 3 });
    expect(warnings.join('\n')).toContain('no answer within 100 ms');
    collector.mode = 'up';
    expect(await recorder.flush({ timeoutMs: 10_000 })).toMatchObject({ complete: true, delivered: 3 });
    expect(metricValues(collector)).toEqual([0, 1, 2]);
    await recorder.close();
  });

  it('keeps events the server refuses in the rejected file with its reasons and delivers the rest', async () => {
    const recorder = recorderFor({ batchSize: 50 });
    for (let i = 0; i < 10; i++) {
      const value = i === 3 || i === 7 ? ({ not: 'a literal' } as unknown as number) : i;
      recorder.logMetric('loss', value, { workflowExecutionId: 'run-1' });
    }
    const summary = await recorder.flush();
    expect(summary).toMatchObject({ complete: true, delivered: 8, rejected: 2, pending: 0 });
    expect(metricValues(collector)).toEqual([0, 1, 2, 4, 5, 6, 8, 9]);
    const rejected = readFileSync(join(dir, 'spill.rejected.ndjson'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(rejected.map((record) => record.event.value)).toEqual([
      { not: 'a literal' },
      { not: 'a literal' },
    ]);
    expect(rejected[0].rejected.status).toBe(400);
    expect(rejected[0].rejected.errors[0].path).toBe('/value');
    expect(warnings.filter((w) => w.includes('refused'))).toHaveLength(1);
    await recorder.close();
  });

  it('keeps events (never rejects them) while the server refuses the credentials, and says why once', async () => {
    collector.mode = 'forbidden';
    const recorder = recorderFor({ token: 'stale' });
    for (let i = 0; i < 3; i++) recorder.logMetric('loss', i, { workflowExecutionId: 'run-1' });
    expect(await recorder.flush({ timeoutMs: 0 })).toMatchObject({
      complete: false,
      rejected: 0,
      pending: 3,
    });
    expect(await recorder.flush({ timeoutMs: 0 })).toMatchObject({ rejected: 0, pending: 3 });
    const closed = await recorder.close({ timeoutMs: 0 });
    expect(closed).toMatchObject({ rejected: 0, spilled: 3 });
    expect(existsSync(join(dir, 'spill.rejected.ndjson'))).toBe(false);
    expect(warnings.filter((w) => w.includes('HTTP 403: The bearer token is wrong.'))).toHaveLength(1);
  });

  it('halves its batches when the server answers 413, losing nothing', async () => {
    collector.maxEventsPerRequest = 3;
    const recorder = recorderFor({ batchSize: 16 });
    for (let i = 0; i < 20; i++) recorder.logMetric('loss', i, { workflowExecutionId: 'run-1' });
    expect(await recorder.flush()).toMatchObject({ complete: true, delivered: 20, rejected: 0 });
    expect(metricValues(collector)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await recorder.close();
  });

  it('retries after 503 answers without the caller noticing', async () => {
    collector.mode = 'unavailable';
    const recorder = recorderFor();
    recorder.logMetric('loss', 1, { workflowExecutionId: 'run-1' });
    expect((await recorder.flush({ timeoutMs: 0 })).complete).toBe(false);
    collector.mode = 'up';
    expect((await recorder.flush()).complete).toBe(true);
    expect(metricValues(collector)).toEqual([1]);
    expect(collector.requests).toBeGreaterThanOrEqual(2);
    await recorder.close();
  });

  it('resends the same bytes after a 503, the batches before and after written over the same buffer', async () => {
    const recorder = recorderFor({ batchSize: 5 });
    const log = (from: number) => {
      for (let i = from; i < from + 5; i++)
        recorder.logMetric('loss', i / 3, { workflowExecutionId: 'run-1' });
    };
    log(0);
    expect((await recorder.flush()).complete).toBe(true);
    collector.mode = 'unavailable';
    log(5);
    expect((await recorder.flush({ timeoutMs: 0 })).complete).toBe(false);
    log(10);
    collector.mode = 'up';
    expect(await recorder.flush()).toMatchObject({ complete: true, delivered: 15 });
    const [first, refused, retried, last] = collector.bodies;
    expect(collector.bodies).toHaveLength(4);
    expect(retried).toBe(refused);
    for (const body of [first, retried, last]) {
      const parsed = parseNdjson(body ?? '');
      expect(parsed.ok && expandSeries(parsed.items).items).toHaveLength(5);
    }
    expect(metricValues(collector)).toEqual(Array.from({ length: 15 }, (_, i) => i / 3));
    await recorder.close();
  });

  it('a pre-existing torn spill line is delivered to the server and refused visibly, not silently lost', async () => {
    writeFileSync(join(dir, 'spill.ndjson'), '{"type":"evaluation","sch');
    const recorder = recorderFor();
    recorder.logMetric('loss', 5, { workflowExecutionId: 'run-1' });
    const summary = await recorder.flush();
    expect(summary).toMatchObject({ complete: true, delivered: 1, rejected: 1 });
    expect(readFileSync(join(dir, 'spill.rejected.ndjson'), 'utf8')).toContain('"sch');
    await recorder.close();
  });
});
