import { type Actor, WorkflowBuilder } from './builder.ts';
import { FORMATIONS, formationIri } from './domain.ts';
import type { Rng } from './prng.ts';

const MINUTE = 60_000;

/** What a curation workflow produced: the raw files and the domain cubes derived from them. */
export interface Survey {
  raw: string;
  cube: string;
  formation: string;
}

/** Learning data prepared from one cube. */
export interface TileSet {
  train: string;
  validation: string;
  cube: string;
}

/** Domain scientists import raw seismic files (SEG-Y) and curate them into domain data cubes. */
export function curationWorkflow(
  rng: Rng,
  project: string,
  start: number,
  actor: Actor,
): { builder: WorkflowBuilder; surveys: Survey[] } {
  const w = new WorkflowBuilder(`cur-${project}`, start, actor);
  w.emit('workflow.started', { name: 'seismic-curation', version: '1', ...w.who() });
  const surveys: Survey[] = [];
  const count = rng.int(2, 4);
  for (let s = 1; s <= count; s++) {
    const survey: Survey = {
      raw: `raw/${project}-s${s}.segy`,
      cube: `cube-${project}-s${s}`,
      formation: rng.pick(FORMATIONS),
    };
    surveys.push(survey);
    const taskId = `import-s${s}`;
    const startedAt = w.advance(rng.int(1, 5) * MINUTE);
    w.emit('task.started', {
      taskId,
      name: 'import-seismic',
      used: { file: { ref: survey.raw, kind: 'file' }, format: 'SEG-Y' },
      ...w.who(),
    });
    w.advance(rng.int(1, 3) * MINUTE);
    w.emit('dataset.registered', {
      datasetId: survey.raw,
      kind: 'raw',
      name: `${project} survey ${s} (SEG-Y)`,
      location: `s3://raw/${project}/s${s}.segy`,
      sizeBytes: rng.int(2, 40) * 1_000_000_000,
      checksum: `sha256:${rng.hex(64)}`,
    });
    w.advance(rng.int(10, 60) * MINUTE);
    w.emit('dataset.registered', {
      datasetId: survey.cube,
      kind: 'domain',
      name: `${project} cube ${s}`,
      location: `s3://curated/${project}/cube-${s}.zarr`,
      derivedFrom: [{ ref: survey.raw, kind: 'raw' }],
      domainEntities: [formationIri(survey.formation)],
      sizeBytes: rng.int(1, 20) * 1_000_000_000,
      taskId,
    });
    w.advance(MINUTE);
    w.emit('task.ended', {
      taskId,
      name: 'import-seismic',
      status: 'finished',
      startedAt,
      generated: { cube: { ref: survey.cube, kind: 'dataset' } },
      telemetry: {
        cpuPercent: rng.metric(rng.float(40, 100), 3),
        memoryBytes: rng.int(4, 64) * 1_000_000_000,
      },
      ...w.who(),
    });
  }
  w.advance(MINUTE);
  w.emit('workflow.ended', { status: 'finished', ...w.who() });
  return { builder: w, surveys };
}

/** Computational scientists tile the cubes into training and validation sets; normalisation sometimes fails. */
export function preparationWorkflow(
  rng: Rng,
  project: string,
  start: number,
  actor: Actor,
  surveys: Survey[],
): { builder: WorkflowBuilder; tiles: TileSet[] } {
  const w = new WorkflowBuilder(`prep-${project}`, start, actor);
  w.emit('workflow.started', { name: 'tiling', version: '2', ...w.who() });
  const tiles: TileSet[] = [];
  let failed = false;
  for (const [index, survey] of surveys.entries()) {
    const s = index + 1;
    if (rng.chance(0.15)) {
      failed = true;
      const startedAt = w.advance(rng.int(1, 5) * MINUTE);
      w.advance(rng.int(1, 10) * MINUTE);
      w.emit('task.ended', {
        taskId: `normalize-s${s}`,
        name: 'normalize-amplitudes',
        status: 'failed',
        error: rng.pick(['NaN in amplitudes', 'header mismatch in trace 812', 'out of memory']),
        startedAt,
        used: { cube: { ref: survey.cube, kind: 'dataset' }, window: rng.pick([32, 64, 128]) },
        ...w.who(),
      });
    }
    const set: TileSet = {
      train: `tiles-${project}-s${s}-train`,
      validation: `tiles-${project}-s${s}-val`,
      cube: survey.cube,
    };
    tiles.push(set);
    const taskId = `tile-s${s}`;
    const tileSize = rng.pick([64, 128, 256]);
    const startedAt = w.advance(rng.int(1, 5) * MINUTE);
    w.emit('task.started', {
      taskId,
      name: 'tile-cube',
      used: { cube: { ref: survey.cube, kind: 'dataset' }, tileSize, stride: tileSize / 2 },
      ...w.who(),
    });
    const total = rng.int(2_000, 50_000);
    for (const [split, id, share] of [
      ['training', set.train, 0.8],
      ['validation', set.validation, 0.2],
    ] as const) {
      w.advance(rng.int(5, 30) * MINUTE);
      w.emit('dataset.registered', {
        datasetId: id,
        kind: split,
        name: `${project} ${split} tiles ${s}`,
        location: `s3://learning/${project}/${id}`,
        derivedFrom: [{ ref: survey.cube, kind: 'domain' }],
        sampleCount: Math.round(total * share),
        features: ['amplitude', 'facies'],
        characteristics: {
          classBalance: rng.metric(rng.float(0.1, 0.5), 3),
          amplitudeMin: rng.metric(rng.float(-30, -5), 3),
          amplitudeMax: rng.metric(rng.float(5, 30), 3),
        },
        taskId,
      });
    }
    w.emit('task.ended', {
      taskId,
      name: 'tile-cube',
      status: 'finished',
      startedAt,
      generated: {
        train: { ref: set.train, kind: 'dataset' },
        val: { ref: set.validation, kind: 'dataset' },
      },
      ...w.who(),
    });
  }
  w.advance(MINUTE);
  w.emit(
    'workflow.ended',
    failed
      ? { status: 'failed', error: 'a normalisation task failed', ...w.who() }
      : { status: 'finished', ...w.who() },
  );
  return { builder: w, tiles };
}
