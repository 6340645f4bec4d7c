import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type CaptureEvent, validateBatch } from '../../src/capture/index.ts';
import { createRecorder, type Recorder } from '../../src/client/index.ts';

let dir: string;
let file: string;
let recorder: Recorder;
let warnings: string[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'provml-offline-'));
  file = join(dir, 'capture.ndjson');
  warnings = [];
  recorder = createRecorder({
    file,
    user: 'ana',
    persona: 'ML engineer',
    onWarning: (w) => warnings.push(w),
  });
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function written(): Promise<CaptureEvent[]> {
  const summary = await recorder.close();
  expect(summary.complete).toBe(true);
  const events = readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line));
  const validation = validateBatch(events);
  expect(validation.ok ? [] : validation.errors).toEqual([]);
  return events;
}

class DivergedError extends Error {}

describe('recorder calls (offline file mode)', () => {
  it('writes schema-valid NDJSON for every kind of call', async () => {
    const run = recorder.workflowStarted({
      name: 'train-unet',
      version: '2',
      study: 'seismic',
      experiment: { id: 'lr-sweep', name: 'LR sweep' },
    });
    const data = recorder.datasetRegistered({
      kind: 'training',
      name: 'tiles',
      sampleCount: 1200,
      derivedFrom: [{ ref: 'cube-1', kind: 'domain' }],
      domainEntities: ['https://example.org/geo/Formation/Namorado'],
    });
    const training = recorder.taskStarted({
      name: 'training',
      stage: 'training',
      hyperparameters: { lr: 0.01, batchSize: 32 },
      used: { tiles: { ref: data, kind: 'dataset' } },
      algorithm: 'U-Net',
      learningTask: 'segmentation',
    });
    recorder.logHyperparameters({ epochs: 3 });
    for (let epoch = 1; epoch <= 3; epoch++) recorder.logMetric('loss', 1 / epoch, { epoch });
    const model = recorder.modelSaved({
      name: 'unet',
      location: 'file:///models/unet.pt',
      sizeBytes: 1024,
      derivedFrom: [data],
    });
    recorder.taskEnded({
      taskId: training,
      metrics: { accuracy: 0.9 },
      generated: { model: { ref: model, kind: 'model' } },
    });
    recorder.workflowEnded();
    const events = await written();
    expect(events.map((e) => e.type)).toEqual([
      'workflow.started',
      'dataset.registered',
      'task.started',
      'evaluation',
      'evaluation',
      'evaluation',
      'model.saved',
      'task.ended',
      'workflow.ended',
    ]);
    expect(new Set(events.map((e) => e.workflowExecutionId))).toEqual(new Set([run]));
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const ended = events[7] as Extract<CaptureEvent, { type: 'task.ended' }>;
    expect(ended).toMatchObject({
      taskId: training,
      name: 'training',
      stage: 'training',
      status: 'finished',
      hyperparameters: { epochs: 3 },
    });
    expect(ended.startedAt).toBe(events[2]?.time);
    expect(events[3]).toMatchObject({
      measure: 'loss',
      value: 1,
      taskId: training,
      stage: 'training',
      section: { kind: 'epoch', index: 1 },
    });
    expect(events[6]).toMatchObject({ modelId: model, taskId: training });
    expect(events[0]).toMatchObject({ user: 'ana', persona: 'ML engineer', study: { id: 'seismic' } });
    expect(warnings).toEqual([]);
  });

  it("lets a call name who ran it and where; a task end keeps its start's", async () => {
    recorder.workflowStarted({ name: 'curation', user: 'maria', persona: 'domain scientist', host: 'ws-3' });
    const task = recorder.taskStarted({ name: 'qc', host: 'hpc-12' });
    recorder.taskEnded({ taskId: task });
    const who = (await written()).map((e) => [e.type, e.user, e.persona, e.host]);
    expect(who).toEqual([
      ['workflow.started', 'maria', 'domain scientist', 'ws-3'],
      ['task.started', 'ana', 'ML engineer', 'hpc-12'],
      ['task.ended', 'ana', 'ML engineer', 'hpc-12'],
    ]);
  });

  it('a metric logged inside an epoch section belongs to that epoch', async () => {
    recorder.workflowStarted({ name: 'train' });
    recorder.task(
      'fit',
      (fit) => {
        for (const epoch of [1, 2])
          fit.task('epoch', (section) => section.logMetric('loss', 1 / epoch), { epoch });
      },
      { stage: 'training' },
    );
    const metrics = (await written()).filter((e) => e.type === 'evaluation');
    expect(metrics.map((e) => (e.type === 'evaluation' ? [e.value, e.section] : []))).toEqual([
      [1, { kind: 'epoch', index: 1 }],
      [0.5, { kind: 'epoch', index: 2 }],
    ]);
  });

  it('task() records a sync failure with the error text and rethrows the very same error', async () => {
    recorder.workflowStarted({ name: 'w' });
    const error = new DivergedError('loss is NaN at epoch 4');
    let caught: unknown;
    try {
      recorder.task(
        'training',
        () => {
          throw error;
        },
        { stage: 'training' },
      );
    } catch (thrown) {
      caught = thrown;
    }
    expect(caught).toBe(error);
    const ended = (await written()).find((e) => e.type === 'task.ended');
    expect(ended).toMatchObject({ status: 'failed', stage: 'training', name: 'training' });
    expect((ended as { error?: string }).error).toContain('loss is NaN at epoch 4');
  });

  it('task() wraps async functions, nests child tasks and returns their value', async () => {
    recorder.workflowStarted({ name: 'w' });
    const result = await recorder.task('training', async (training) => {
      training.logHyperparameters({ lr: 0.1 });
      for (let epoch = 1; epoch <= 2; epoch++) {
        await training.task(`epoch ${epoch}`, async (section) => section.logMetric('loss', 0.5 / epoch), {
          epoch,
        });
      }
      return 'model-1';
    });
    expect(result).toBe('model-1');
    const failure = recorder.task('evaluation', async () => {
      throw new RangeError('no test data');
    });
    await expect(failure).rejects.toBeInstanceOf(RangeError);
    const events = await written();
    const ends = events.filter(
      (e): e is Extract<CaptureEvent, { type: 'task.ended' }> => e.type === 'task.ended',
    );
    expect(ends.map((e) => [e.name, e.status])).toEqual([
      ['epoch 1', 'finished'],
      ['epoch 2', 'finished'],
      ['training', 'finished'],
      ['evaluation', 'failed'],
    ]);
    const trainingId = ends[2]?.taskId;
    expect(ends[0]).toMatchObject({ parentTaskId: trainingId, section: { kind: 'epoch', index: 1 } });
    expect(ends[2]?.hyperparameters).toEqual({ lr: 0.1 });
    const metrics = events.filter((e) => e.type === 'evaluation');
    expect(metrics.map((e) => e.taskId)).toEqual([ends[0]?.taskId, ends[1]?.taskId]);
  });

  it('turns misuse and unserializable values into warnings, never exceptions', async () => {
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => {
      recorder.taskEnded({ taskId: 'never-started' });
      recorder.logHyperparameters({ lr: 1 });
      recorder.workflowStarted({ name: 'w', annotations: circular });
      recorder.logMetric('loss', Number.NaN);
    }).not.toThrow();
    const events = await written();
    expect(events.map((e) => e.type)).toEqual(['evaluation']);
    expect(events[0]).toMatchObject({ value: 'NaN' });
    expect(warnings).toHaveLength(3);
  });

  it('a throwing warning handler does not reach the caller', async () => {
    const loud = createRecorder({
      file,
      onWarning: () => {
        throw new Error('handler bug');
      },
    });
    expect(() => loud.taskEnded({ taskId: 'unknown' })).not.toThrow();
    await loud.close();
  });
});

describe('a program that never calls close()', () => {
  it('still writes what it recorded when its event loop runs dry', () => {
    const client = join(import.meta.dirname, '../../src/client/index.ts');
    const script = `
      const { createRecorder } = await import(${JSON.stringify(client)});
      const recorder = createRecorder({ file: ${JSON.stringify(file)}, flushIntervalMs: 60000 });
      recorder.workflowStarted({ name: 'forgetful' });
      for (let epoch = 1; epoch <= 3; epoch++) recorder.logMetric('loss', 1 / epoch, { epoch });
    `;
    execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: 'pipe',
    });
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).type)).toEqual([
      'workflow.started',
      'evaluation',
      'evaluation',
      'evaluation',
    ]);
  });
});
