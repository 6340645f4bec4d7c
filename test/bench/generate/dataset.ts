import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaptureEvent } from '../../../src/capture/index.ts';
import { quadToNQuads } from '../../../src/rdf/index.ts';
import { translateEvent } from '../../../src/translate/index.ts';
import { domainGraphQuads } from './domain.ts';
import { BufferedFile } from './files.ts';
import { generateProject, type ProjectFacts } from './project.ts';

/** Bump when the generated data changes shape, so cached files are regenerated. */
export const GENERATOR_VERSION = 1;
export const DEFAULT_SEED = 20240501;
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_CACHE_DIR = join(REPO_ROOT, '.tmp', 'bench', 'data');

export interface DatasetManifest {
  generatorVersion: number;
  seed: number;
  target: number;
  /** Provenance quads written to quadsFile (distinct; each workflow execution is its own graph). */
  triples: number;
  /** Quads of the small domain knowledge graph in domainFile (for the federated query). */
  domainTriples: number;
  events: number;
  workflows: number;
  projects: number;
  runs: { finished: number; failed: number; running: number };
  eventsFile: string;
  quadsFile: string;
  domainFile: string;
  bytes: { events: number; quads: number };
  /** Facts of the first project with a finished run: the source of query parameters. */
  facts: ProjectFacts;
  generatedMs: number;
}

export interface DatasetOptions {
  target: number;
  seed?: number;
  cacheDir?: string;
}

export interface Dataset {
  dir: string;
  manifest: DatasetManifest;
  cached: boolean;
}

/** The quads of one workflow execution's events through the real translator, as N-Quads lines, deduplicated. */
export function workflowNQuads(events: readonly CaptureEvent[]): string[] {
  const seen = new Set<string>();
  for (const event of events) for (const quad of translateEvent(event)) seen.add(quadToNQuads(quad));
  return [...seen];
}

export const datasetDir = (cacheDir: string, seed: number, target: number): string =>
  join(cacheDir, `v${GENERATOR_VERSION}-seed${seed}-${target}`);

/** Returns the cached data set for (seed, target), generating it first when missing. */
export function ensureDataset(options: DatasetOptions): Dataset {
  const seed = options.seed ?? DEFAULT_SEED;
  const dir = datasetDir(options.cacheDir ?? DEFAULT_CACHE_DIR, seed, options.target);
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as DatasetManifest;
    if (manifest.generatorVersion === GENERATOR_VERSION) return { dir, manifest, cached: true };
  }
  return { dir, manifest: generateDataset(dir, options.target, seed), cached: false };
}

/**
 * Writes events.ndjson (real capture events), data.nq (their quads through the translator) and domain.nq,
 * adding whole workflow executions until the quad count reaches the target. Streams: memory stays bounded by
 * one project whatever the target.
 */
export function generateDataset(dir: string, target: number, seed: number = DEFAULT_SEED): DatasetManifest {
  const started = performance.now();
  rmSync(dir, { recursive: true, force: true });
  const partial = `${dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const events = new BufferedFile(join(partial, 'events.ndjson'));
  const quads = new BufferedFile(join(partial, 'data.nq'));
  const counts = { triples: 0, events: 0, workflows: 0, projects: 0 };
  const runs = { finished: 0, failed: 0, running: 0 };
  let facts: ProjectFacts | undefined;
  for (let index = 0; counts.triples < target; index++) {
    const project = generateProject(seed, index);
    counts.projects += 1;
    const written = new Set<string>();
    for (const workflow of project.workflows) {
      if (counts.triples >= target) break;
      written.add(workflow.executionId);
      const lines = workflowNQuads(workflow.events);
      for (const event of workflow.events) events.write(`${JSON.stringify(event)}\n`);
      quads.write(lines.join(''));
      counts.triples += lines.length;
      counts.events += workflow.events.length;
      counts.workflows += 1;
      const run = project.facts.runs.find((r) => r.executionId === workflow.executionId);
      if (run) runs[run.outcome] += 1;
    }
    // Parameters must name data that was written: keep only the runs of this project that made it.
    const kept = project.facts.runs.filter((run) => written.has(run.executionId));
    if (!facts && kept.some((run) => run.outcome === 'finished')) facts = { ...project.facts, runs: kept };
  }
  events.close();
  quads.close();
  const domain = domainGraphQuads();
  writeFileSync(join(partial, 'domain.nq'), domain.map(quadToNQuads).join(''));
  if (!facts)
    throw new Error(`No finished training run in ${counts.projects} project(s): raise the target size.`);
  const manifest: DatasetManifest = {
    generatorVersion: GENERATOR_VERSION,
    seed,
    target,
    ...counts,
    domainTriples: domain.length,
    runs,
    eventsFile: 'events.ndjson',
    quadsFile: 'data.nq',
    domainFile: 'domain.nq',
    bytes: { events: events.bytes, quads: quads.bytes },
    facts,
    generatedMs: Math.round(performance.now() - started),
  };
  writeFileSync(join(partial, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  renameSync(partial, dir);
  return manifest;
}
