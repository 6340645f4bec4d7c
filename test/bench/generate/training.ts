import { type Actor, WorkflowBuilder } from './builder.ts';
import type { TileSet } from './curation.ts';
import type { Rng } from './prng.ts';

const MINUTE = 60_000;
const LEARNING_RATES = [1e-4, 3e-4, 1e-3, 3e-3, 1e-2] as const;
const BATCH_SIZES = [8, 16, 32] as const;
const ALGORITHMS = ['U-Net', 'DeepLabV3', 'SegFormer'] as const;
const FAILURES = [
  'CUDA out of memory',
  'loss diverged (NaN)',
  'node preempted',
  'data loader timeout',
] as const;

export type RunOutcome = 'finished' | 'failed' | 'running';

export interface TrainingRun {
  executionId: string;
  /** Task id of the training stage inside the execution. */
  stageTaskId: string;
  model?: string;
  outcome: RunOutcome;
}

export interface RunPlan {
  project: string;
  experiment: string;
  study: string;
  index: number;
  tiles: TileSet;
  outcome: RunOutcome;
}

/**
 * One training run of a hyperparameter sweep: a training stage with one section per epoch (loss, accuracy,
 * IoU, telemetry), validation evaluations per epoch, checkpoints, then the model and its evaluations.
 * Failed runs stop at a random epoch with an error; running runs have an open epoch and no end.
 */
export function trainingWorkflow(
  rng: Rng,
  plan: RunPlan,
  start: number,
  actor: Actor,
): { builder: WorkflowBuilder; run: TrainingRun } {
  const executionId = `train-${plan.project}-r${plan.index}`;
  const w = new WorkflowBuilder(executionId, start, actor);
  const learningRate = LEARNING_RATES[plan.index % LEARNING_RATES.length] ?? 1e-3;
  const batchSize = BATCH_SIZES[Math.floor(plan.index / LEARNING_RATES.length) % BATCH_SIZES.length] ?? 16;
  const algorithm = rng.pick(ALGORITHMS);
  const model = `model-${plan.project}-r${plan.index}`;
  const stageTaskId = 'fit';
  const name = `train-${algorithm.toLowerCase()}`;
  w.emit('workflow.started', {
    name: 'train-facies',
    version: '1',
    study: { id: plan.study, name: `study ${plan.study}` },
    experiment: { id: plan.experiment, name: `facies segmentation ${plan.project}` },
    ...w.who(),
  });
  const stageStart = w.advance(rng.int(1, 3) * MINUTE);
  w.emit('task.started', {
    taskId: stageTaskId,
    name,
    stage: 'training',
    algorithm,
    learningTask: 'segmentation',
    hyperparameters: {
      learning_rate: learningRate,
      batch_size: batchSize,
      dropout: rng.metric(rng.float(0, 0.5), 2),
      weight_decay: rng.pick([0, 1e-5, 1e-4]),
    },
    used: {
      train: { ref: plan.tiles.train, kind: 'dataset' },
      val: { ref: plan.tiles.validation, kind: 'dataset' },
    },
    ...w.who(),
  });
  const epochs = rng.int(10, 30);
  const lastEpoch = plan.outcome === 'finished' ? epochs : rng.int(1, epochs);
  const floor = rng.float(0.05, 0.3);
  const speed = rng.float(3, 12) * (learningRate >= 1e-2 ? 0.5 : 1);
  let loss = 1;
  for (let epoch = 1; epoch <= lastEpoch; epoch++) {
    loss = floor + (1.2 - floor) * Math.exp(-epoch / speed) + rng.float(-0.02, 0.02);
    const accuracy = Math.min(0.99, 1 - loss * 0.6 + rng.float(-0.01, 0.01));
    const iou = Math.max(0, accuracy - rng.float(0.1, 0.25));
    const epochStart = w.now();
    const epochTask = `fit-e${epoch}`;
    const section = { kind: 'epoch', index: epoch } as const;
    if (plan.outcome === 'running' && epoch === lastEpoch) {
      w.advance(MINUTE);
      w.emit('task.started', { taskId: epochTask, name, parentTaskId: stageTaskId, section, ...w.who() });
      break;
    }
    w.advance(rng.int(2, 20) * MINUTE);
    w.emit('task.ended', {
      taskId: epochTask,
      name,
      parentTaskId: stageTaskId,
      section,
      status: 'finished',
      startedAt: epochStart,
      metrics: { loss: rng.metric(loss), accuracy: rng.metric(accuracy), iou: rng.metric(iou) },
      telemetry: {
        gpuPercent: rng.metric(rng.float(60, 100), 3),
        memoryBytes: rng.int(8, 80) * 1_000_000_000,
      },
      ...w.who(),
    });
    for (const [measure, value] of [
      ['val_loss', loss * rng.float(1, 1.2)],
      ['val_iou', iou * rng.float(0.9, 1)],
    ] as const) {
      w.emit('evaluation', {
        measure,
        value: rng.metric(value),
        datasetId: plan.tiles.validation,
        taskId: epochTask,
        stage: 'validation',
        section,
      });
    }
    if (epoch % 10 === 0) {
      w.emit('model.saved', {
        modelId: `${model}-ckpt-e${epoch}`,
        taskId: stageTaskId,
        epoch,
        location: `s3://checkpoints/${model}/e${epoch}.pt`,
        sizeBytes: rng.int(50, 400) * 1_000_000,
      });
    }
  }
  if (plan.outcome === 'running')
    return { builder: w, run: { executionId, stageTaskId, outcome: 'running' } };
  if (plan.outcome === 'failed') {
    const error = rng.pick(FAILURES);
    w.advance(MINUTE);
    w.emit('task.ended', {
      taskId: stageTaskId,
      name,
      stage: 'training',
      status: 'failed',
      error,
      startedAt: stageStart,
      stderr: `RuntimeError: ${error}`,
      ...w.who(),
    });
    w.emit('workflow.ended', { status: 'failed', error, ...w.who() });
    return { builder: w, run: { executionId, stageTaskId, outcome: 'failed' } };
  }
  w.advance(MINUTE);
  const accuracy = rng.metric(Math.min(0.99, 1 - loss * 0.6));
  w.emit('task.ended', {
    taskId: stageTaskId,
    name,
    stage: 'training',
    status: 'finished',
    startedAt: stageStart,
    generated: { model: { ref: model, kind: 'model' } },
    metrics: { loss: rng.metric(loss), accuracy },
    ...w.who(),
  });
  w.emit('model.saved', {
    modelId: model,
    name: model,
    taskId: stageTaskId,
    location: `s3://models/${model}.pt`,
    checksum: `sha256:${rng.hex(64)}`,
    sizeBytes: rng.int(50, 400) * 1_000_000,
    derivedFrom: [plan.tiles.train],
  });
  w.advance(rng.int(5, 15) * MINUTE);
  for (const [measure, value] of [
    ['accuracy', accuracy],
    ['iou', accuracy - rng.float(0.1, 0.2)],
    ['loss', loss * rng.float(1, 1.2)],
  ] as const) {
    w.emit('evaluation', {
      measure,
      value: rng.metric(value),
      modelId: model,
      datasetId: plan.tiles.validation,
      stage: 'evaluation',
    });
  }
  w.emit('workflow.ended', { status: 'finished', ...w.who() });
  return { builder: w, run: { executionId, stageTaskId, model, outcome: 'finished' } };
}
