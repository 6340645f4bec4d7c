import { beforeAll, describe, expect, it } from 'vitest';
import type { Term } from '../../src/rdf/index.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { selectRows } from '../../src/store/index.ts';
import { dataIri, experimentIri, translate } from '../../src/translate/index.ts';
import { sparqlPrefixes } from '../../src/vocab.ts';
import { durationSeconds } from '../support/duration.ts';
import { openTestStore } from '../support/test-store.ts';
import { readEvents } from './helpers.ts';

// The graph shape must make the design's analyses plain SPARQL over the union of the workflow graphs.
let store: ProvStore;
beforeAll(async () => {
  store = await openTestStore();
  await store.insert(translate(readEvents('lifecycle.json')));
});

async function rows(body: string): Promise<Array<Record<string, string>>> {
  const result = await selectRows(store, `${sparqlPrefixes()}\n${body}`, { unionDefaultGraph: true });
  return result.rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([k, v]: [string, Term]) => [k, v.value])),
  );
}

describe('design section 5 analyses over the translated lifecycle', () => {
  it('lineage of a model crosses the training, preparation and curation graphs', async () => {
    const found = await rows(`SELECT DISTINCT ?source WHERE {
      <${dataIri('unet-run-1')}> (prov:wasDerivedFrom|prov:wasGeneratedBy/prov:used)+ ?source . ?source a provml:DataReference }`);
    expect(found.map((r) => r.source).sort()).toEqual(
      ['domain-f3-cube', 'raw-f3-segy', 'tiles-train-v1'].map(dataIri).sort(),
    );
    const graphs = await rows(`SELECT DISTINCT ?g WHERE { GRAPH ?g { ?d prov:wasDerivedFrom ?s } }`);
    expect(graphs.length).toBeGreaterThanOrEqual(3);
  });

  it('forward impact: models trained on data derived from a raw file', async () => {
    const found = await rows(`SELECT DISTINCT ?model WHERE {
      ?model a provml:Model ; (prov:wasDerivedFrom|prov:wasGeneratedBy/prov:used)+ <${dataIri('raw-f3-segy')}> }`);
    expect(found.map((r) => r.model).sort()).toEqual([dataIri('unet-run-1'), dataIri('unet-run-3')]);
  });

  it('best model by a measure in an experiment, with its hyperparameters and algorithm', async () => {
    const found = await rows(`SELECT DISTINCT ?model ?value ?hp ?hval ?algorithm WHERE {
      { SELECT ?model ?value ?train WHERE {
          ?ev provml:hasMeasure/provml:name "iou" ; prov:value ?value ; provml:evaluatedModel ?model .
          ?model prov:wasGeneratedBy ?train .
          ?train provml:partOfWorkflowExecution/provml:partOfExperiment <${experimentIri('facies-exp-1')}> .
        } ORDER BY DESC(?value) LIMIT 1 }
      ?train provml:usedHyperparameter ?v . ?v provml:attributeName ?hp ; prov:value ?hval .
      ?train provml:usedAlgorithm/provml:name ?algorithm .
    } ORDER BY ?hp`);
    expect(found.map((r) => [r.model, r.value, r.hp, r.hval, r.algorithm])).toEqual([
      [dataIri('unet-run-1'), '0.71', 'batch_size', '32', 'U-Net'],
      [dataIri('unet-run-1'), '0.71', 'epochs', '3', 'U-Net'],
      [dataIri('unet-run-1'), '0.71', 'learning_rate', '0.001', 'U-Net'],
    ]);
  });

  it('loss per epoch per training run', async () => {
    const found = await rows(`SELECT DISTINCT ?run ?epoch ?loss WHERE {
      ?ev provml:hasMeasure/provml:name "loss" ; prov:value ?loss ; provml:sectionIndex ?epoch ; prov:wasGeneratedBy ?x .
      ?run provml:hasSection* ?x . ?run a provml:Training .
    } ORDER BY ?run ?epoch`);
    const run1 = found.filter((r) => r.run?.endsWith('/train-run-1/task/train-1'));
    expect(run1.map((r) => [r.epoch, r.loss])).toEqual([
      ['1', '0.84'],
      ['2', '0.588'],
      ['3', '0.412'],
    ]);
    expect(new Set(found.map((r) => r.run)).size).toBe(4);
  });

  it('failed tasks with their inputs, and tasks still running', async () => {
    const failed =
      await rows(`SELECT DISTINCT ?task ?error WHERE { ?task provml:hasStatus provml:Failed ; provml:errorMessage ?error ;
      a provml:DataTransformationExecution } ORDER BY ?task`);
    expect(failed.map((r) => r.error)).toEqual(['loss diverged (NaN) at epoch 2', 'loss diverged (NaN)']);
    const inputs =
      await rows(`SELECT DISTINCT ?name ?value WHERE { ?task provml:hasStatus provml:Failed ; a provml:Training ; prov:used ?in .
      ?in provml:attributeName ?name ; prov:value ?value } ORDER BY ?name`);
    expect(inputs.map((r) => [r.name, r.value])).toEqual([
      ['batch_size', '32'],
      ['epochs', '3'],
      ['learning_rate', '0.01'],
    ]);
    const running =
      await rows(`SELECT DISTINCT ?task WHERE { ?task a provml:DataTransformationExecution ; prov:startedAtTime ?s .
      FILTER NOT EXISTS { ?task prov:endedAtTime ?e } }`);
    expect(running.map((r) => r.task)).toEqual([
      'https://w3id.org/provml/id/wfexec/train-run-4/task/train-4',
    ]);
  });

  it('who ran which stage, on which host, for how long', async () => {
    const found = await rows(`SELECT DISTINCT ?stage ?user ?persona ?host ?duration WHERE {
      ?t a provml:LearningStage ; provml:stageKind ?stage ; prov:startedAtTime ?s ; prov:endedAtTime ?e ;
         provml:ranOn/provml:hostname ?host ; prov:wasAssociatedWith ?a, ?p .
      ?a a prov:Person ; provml:name ?user . ?p a provml:Persona ; provml:name ?persona .
      BIND(?e - ?s AS ?duration)
      FILTER(?host = "gpu-node-01") } ORDER BY ?stage`);
    const inSeconds = found.map((row) => ({ ...row, duration: durationSeconds(row.duration ?? '') }));
    expect(inSeconds).toEqual([
      { stage: 'training', user: 'alice', persona: 'ML engineer', host: 'gpu-node-01', duration: 1800 },
      { stage: 'validation', user: 'alice', persona: 'ML engineer', host: 'gpu-node-01', duration: 240 },
    ]);
  });

  it('learning-data characteristics of the data a model was trained on', async () => {
    const found = await rows(`SELECT ?n (GROUP_CONCAT(DISTINCT ?feature; separator=",") AS ?features) WHERE {
      <${dataIri('unet-run-1')}> prov:wasGeneratedBy/provml:usedLearningData ?d .
      ?d a provml:TrainingData ; provml:sampleCount ?n ; provml:hasFeature/provml:name ?feature } GROUP BY ?n`);
    expect(found).toEqual([
      { n: '8000', features: expect.stringMatching(/^(amplitude,facies_label|facies_label,amplitude)$/) },
    ]);
  });
});
