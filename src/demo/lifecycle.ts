import type { Recorder } from '../client/index.ts';
import data from './seismic-lifecycle.json' with { type: 'json' };

export type DemoData = typeof data;
export const DEMO_DATA: DemoData = data;

type Run = DemoData['training']['runs'][number] & { failAtEpoch?: number; error?: string };

/** What the demo recorded, for its summary. */
export interface DemoRecord {
  workflowExecutions: string[];
  trainingRuns: string[];
  failedRuns: string[];
  models: string[];
  bestModel: string;
  experimentId: string;
}

/** Deterministic times: every call says when it happened, so re-running the demo records the same triples. */
class Clock {
  private now: number;
  constructor(start: string) {
    this.now = Date.parse(start);
  }
  after(seconds: number): string {
    this.now += seconds * 1000;
    return new Date(this.now).toISOString();
  }
}

/**
 * A seismic-to-model lifecycle like ProvLake's Oil & Gas case, recorded through the client: curation of raw SEG-Y
 * files into a domain cube linked to a geological formation, preparation of training/validation tiles, and a
 * training experiment whose runs sweep learning rate and batch size (one diverges and fails).
 */
export function recordSeismicLifecycle(recorder: Recorder, demo: DemoData = DEMO_DATA): DemoRecord {
  const clock = new Clock(demo.startTime);
  const curation = recordCuration(recorder, demo, clock);
  recordPreparation(recorder, demo, clock);
  const runs = demo.training.runs as Run[];
  const models: string[] = [];
  for (const run of runs) {
    const model = recordTrainingRun(recorder, demo, run, clock);
    if (model) models.push(model);
  }
  const finished = runs.filter((run) => run.failAtEpoch === undefined);
  const best = finished.reduce((a, b) => ((b.finalAccuracy ?? 0) > (a.finalAccuracy ?? 0) ? b : a));
  return {
    workflowExecutions: [curation, demo.preparation.workflowExecutionId, ...runs.map((run) => run.id)],
    trainingRuns: runs.map((run) => run.id),
    failedRuns: runs.filter((run) => run.failAtEpoch !== undefined).map((run) => run.id),
    models,
    bestModel: modelId(best.id),
    experimentId: demo.training.experiment.id,
  };
}

function recordCuration(recorder: Recorder, demo: DemoData, clock: Clock): string {
  const c = demo.curation;
  const who = { user: c.user, persona: c.persona, host: c.host };
  const workflowExecutionId = recorder.workflowStarted({
    ...who,
    ...c.workflow,
    workflowExecutionId: c.workflowExecutionId,
    time: clock.after(0),
  });
  const raw: Record<string, { ref: string; kind: 'file' }> = {};
  for (const file of c.rawFiles) {
    recorder.datasetRegistered({
      datasetId: file.id,
      kind: 'raw',
      name: file.id,
      location: file.location,
      sizeBytes: file.sizeBytes,
      checksum: file.checksum,
      time: clock.after(2),
    });
    raw[file.id] = { ref: file.id, kind: 'file' };
  }
  const qc = recorder.taskStarted({
    ...who,
    name: 'segy-quality-control',
    taskId: 'segy-qc',
    used: raw,
    time: clock.after(5),
  });
  recorder.taskEnded({
    taskId: qc,
    generated: { dead_traces: 0, files_checked: c.rawFiles.length },
    time: clock.after(640),
  });
  const build = recorder.taskStarted({
    ...who,
    name: 'build-seismic-cube',
    taskId: 'build-cube',
    used: {
      ...raw,
      formation: { uri: demo.domainEntities.formation },
      inline_range: '100-750',
      crossline_range: '300-1250',
    },
    time: clock.after(3),
  });
  recorder.datasetRegistered({
    datasetId: c.cube.id,
    kind: 'domain',
    name: c.cube.name,
    location: c.cube.location,
    derivedFrom: c.rawFiles.map((file) => ({ ref: file.id, kind: 'raw' as const })),
    domainEntities: [demo.domainEntities.formation, demo.domainEntities.basin],
    taskId: build,
    time: clock.after(2400),
  });
  recorder.taskEnded({
    taskId: build,
    generated: { cube: { ref: c.cube.id, kind: 'dataset' } },
    time: clock.after(1),
  });
  recorder.workflowEnded({ workflowExecutionId, time: clock.after(1) });
  return workflowExecutionId;
}

function recordPreparation(recorder: Recorder, demo: DemoData, clock: Clock): void {
  const p = demo.preparation;
  const who = { user: p.user, persona: p.persona, host: p.host };
  const workflowExecutionId = recorder.workflowStarted({
    ...who,
    ...p.workflow,
    workflowExecutionId: p.workflowExecutionId,
    time: clock.after(600),
  });
  const tiling = recorder.taskStarted({
    ...who,
    name: 'tile-seismic-cube',
    taskId: 'tile-cube',
    used: { cube: { ref: demo.curation.cube.id, kind: 'dataset' }, tile_size: p.tileSize, stride: p.stride },
    time: clock.after(1),
  });
  for (const [kind, split] of [
    ['training', p.splits.training],
    ['validation', p.splits.validation],
  ] as const) {
    recorder.datasetRegistered({
      datasetId: split.id,
      kind,
      name: split.name,
      location: `file:///data/learning/${split.id}.npz`,
      derivedFrom: [{ ref: demo.curation.cube.id, kind: 'domain' }],
      sampleCount: split.sampleCount,
      features: p.features,
      characteristics: { tile_size: p.tileSize, stride: p.stride },
      taskId: tiling,
      time: clock.after(300),
    });
  }
  recorder.taskEnded({
    taskId: tiling,
    generated: {
      training_tiles: { ref: p.splits.training.id, kind: 'dataset' },
      validation_tiles: { ref: p.splits.validation.id, kind: 'dataset' },
    },
    time: clock.after(1),
  });
  recorder.workflowEnded({ workflowExecutionId, time: clock.after(1) });
}

/** One run of the experiment: epochs with loss and accuracy, then a saved model and its evaluation. */
function recordTrainingRun(recorder: Recorder, demo: DemoData, run: Run, clock: Clock): string | undefined {
  const t = demo.training;
  const who = { user: t.user, persona: t.persona, host: t.host };
  const { training, validation } = demo.preparation.splits;
  const workflowExecutionId = recorder.workflowStarted({
    ...who,
    ...t.workflow,
    workflowExecutionId: run.id,
    study: t.study,
    experiment: t.experiment,
    time: clock.after(120),
  });
  const trainingTask = recorder.taskStarted({
    ...who,
    name: 'train-unet',
    taskId: `${run.id}-training`,
    stage: 'training',
    algorithm: t.algorithm,
    learningTask: t.learningTask,
    used: {
      training_tiles: { ref: training.id, kind: 'dataset' },
      validation_tiles: { ref: validation.id, kind: 'dataset' },
    },
    hyperparameters: { learning_rate: run.learningRate, batch_size: run.batchSize, epochs: run.epochs },
    time: clock.after(1),
  });
  for (let epoch = 1; epoch <= run.epochs; epoch++) {
    const section = recorder.taskStarted({
      ...who,
      name: 'epoch',
      taskId: `${trainingTask}-epoch-${epoch}`,
      parentTaskId: trainingTask,
      stage: 'training',
      epoch,
      time: clock.after(1),
    });
    if (run.failAtEpoch === epoch) {
      const error = run.error ?? 'training failed';
      recorder.taskEnded({ taskId: section, error, time: clock.after(95) });
      recorder.taskEnded({ taskId: trainingTask, error, time: clock.after(1) });
      recorder.workflowEnded({ workflowExecutionId, error, time: clock.after(1) });
      return undefined;
    }
    const { loss, accuracy } = curve(run, epoch);
    const time = clock.after(180 * (64 / run.batchSize) ** 0.5);
    recorder.logMetric('loss', loss, {
      taskId: section,
      epoch,
      stage: 'training',
      datasetId: training.id,
      time,
    });
    recorder.logMetric('accuracy', accuracy, {
      taskId: section,
      epoch,
      stage: 'training',
      datasetId: training.id,
      time,
    });
    recorder.logMetric('loss', round(loss * 1.08), {
      taskId: section,
      epoch,
      stage: 'validation',
      datasetId: validation.id,
      time,
    });
    recorder.logMetric('accuracy', round(accuracy - 0.02), {
      taskId: section,
      epoch,
      stage: 'validation',
      datasetId: validation.id,
      time,
    });
    recorder.taskEnded({ taskId: section, time: clock.after(1) });
  }
  const model = recorder.modelSaved({
    modelId: modelId(run.id),
    name: `facies-unet (${run.id})`,
    location: `file:///models/facies-unet/${run.id}.pt`,
    sizeBytes: 124_000_000,
    taskId: trainingTask,
    derivedFrom: [training.id],
    time: clock.after(5),
  });
  recorder.taskEnded({ taskId: trainingTask, time: clock.after(1) });
  const evaluation = recorder.taskStarted({
    ...who,
    name: 'evaluate-unet',
    taskId: `${run.id}-evaluation`,
    stage: 'evaluation',
    used: { model: { ref: model, kind: 'model' }, validation_tiles: { ref: validation.id, kind: 'dataset' } },
    time: clock.after(2),
  });
  const final = curve(run, run.epochs);
  recorder.logMetric('accuracy', round(final.accuracy - 0.01), {
    taskId: evaluation,
    stage: 'evaluation',
    modelId: model,
    datasetId: validation.id,
    time: clock.after(60),
  });
  recorder.logMetric('loss', round(final.loss * 1.1), {
    taskId: evaluation,
    stage: 'evaluation',
    modelId: model,
    datasetId: validation.id,
    time: clock.after(0),
  });
  recorder.taskEnded({ taskId: evaluation, time: clock.after(1) });
  recorder.workflowEnded({ workflowExecutionId, time: clock.after(1) });
  return model;
}

/** A plausible learning curve ending at the run's final values. */
function curve(run: Run, epoch: number): { loss: number; accuracy: number } {
  const remaining = (1 - epoch / run.epochs) ** 2;
  const finalLoss = run.finalLoss ?? 1.5;
  const finalAccuracy = run.finalAccuracy ?? 0.35;
  return {
    loss: round(finalLoss + (1.5 - finalLoss) * remaining),
    accuracy: round(finalAccuracy - (finalAccuracy - 0.35) * remaining),
  };
}

export const modelId = (runId: string): string => `facies-unet-${runId}`;

const round = (value: number): number => Math.round(value * 10_000) / 10_000;
