// Deterministic synthetic scientific-ML lifecycles for the benchmarks (and their determinism test).
export type { Actor } from './builder.ts';
export type { Survey, TileSet } from './curation.ts';
export {
  type Dataset,
  type DatasetManifest,
  type DatasetOptions,
  DEFAULT_CACHE_DIR,
  DEFAULT_SEED,
  datasetDir,
  ensureDataset,
  GENERATOR_VERSION,
  generateDataset,
  REPO_ROOT,
  workflowNQuads,
} from './dataset.ts';
export {
  DOMAIN_GRAPH,
  domainGraphQuads,
  FORMATIONS,
  formationIri,
  LITHOLOGY,
  lithologyIri,
  lithologyOf,
} from './domain.ts';
export { mulberry32, Rng } from './prng.ts';
export {
  type GeneratedProject,
  type GeneratedWorkflow,
  generateProject,
  type ProjectFacts,
  projectSeed,
} from './project.ts';
export type { RunOutcome, TrainingRun } from './training.ts';
