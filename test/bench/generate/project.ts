import type { CaptureEvent } from '../../../src/capture/index.ts';
import type { Actor } from './builder.ts';
import { curationWorkflow, preparationWorkflow, type Survey } from './curation.ts';
import { Rng } from './prng.ts';
import { type RunOutcome, type TrainingRun, trainingWorkflow } from './training.ts';

const DAY = 86_400_000;
const EPOCH = Date.UTC(2024, 0, 1);
const CURATORS = ['alice', 'dan', 'erin'] as const;
const PREPARERS = ['bob', 'frank'] as const;
const ENGINEERS = ['carol', 'grace', 'heidi', 'ivan'] as const;

export interface GeneratedWorkflow {
  executionId: string;
  events: CaptureEvent[];
}

/** Ids a benchmark can use as query parameters (all exist in the project's data). */
export interface ProjectFacts {
  project: string;
  experiment: string;
  surveys: Survey[];
  runs: TrainingRun[];
}

export interface GeneratedProject {
  workflows: GeneratedWorkflow[];
  facts: ProjectFacts;
}

/** Each project draws from its own stream, so project n is the same whatever the target size. */
export function projectSeed(seed: number, index: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35)) >>> 0;
}

/**
 * One Oil & Gas style project: seismic curation (raw SEG-Y → domain cubes), learning-data preparation
 * (cubes → training/validation tiles), then an experiment: a hyperparameter sweep of training runs, about
 * 10 % failed and a few still running.
 */
export function generateProject(seed: number, index: number): GeneratedProject {
  const rng = new Rng(projectSeed(seed, index));
  const project = `p${index}`;
  const start = EPOCH + index * 3 * DAY;
  const host = (prefix: string, n: number): string => `${prefix}-${rng.int(1, n)}`;
  const curator: Actor = {
    user: rng.pick(CURATORS),
    persona: 'domain scientist',
    host: host('hpc-login', 3),
  };
  const curation = curationWorkflow(rng, project, start, curator);
  const preparer: Actor = {
    user: rng.pick(PREPARERS),
    persona: 'computational scientist',
    host: host('gpu-node', 8),
  };
  const preparation = preparationWorkflow(
    rng,
    project,
    curation.builder.time + 3_600_000,
    preparer,
    curation.surveys,
  );
  const workflows: GeneratedWorkflow[] = [curation.builder, preparation.builder];
  const experiment = `exp-${project}`;
  const runs: TrainingRun[] = [];
  const count = rng.int(8, 20);
  let clock = preparation.builder.time + 3_600_000;
  for (let r = 0; r < count; r++) {
    const engineer: Actor = { user: rng.pick(ENGINEERS), persona: 'ML engineer', host: host('gpu-node', 16) };
    const outcome: RunOutcome = rng.chance(0.04) ? 'running' : rng.chance(0.1) ? 'failed' : 'finished';
    const plan = {
      project,
      experiment,
      study: `study-${index % 5}`,
      index: r,
      tiles: rng.pick(preparation.tiles),
      outcome,
    };
    const training = trainingWorkflow(rng, plan, clock, engineer);
    workflows.push(training.builder);
    runs.push(training.run);
    clock += rng.int(10, 120) * 60_000;
  }
  return {
    workflows: workflows.map((w) => ({ executionId: w.executionId, events: w.events })),
    facts: { project, experiment, surveys: curation.surveys, runs },
  };
}
