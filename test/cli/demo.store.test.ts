import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEMO_DATA, modelId } from '../../src/demo/lifecycle.ts';
import { askBoolean, dumpText, selectRows } from '../../src/store/index.ts';
import { dataIri, experimentIri, workflowExecutionIri } from '../../src/translate/index.ts';
import { sparqlPrefixes } from '../../src/vocab.ts';
import { runCli } from '../support/run-cli.ts';
import { type InProcessServer, startInProcessServer } from './in-process-server.ts';

let server: InProcessServer;

beforeEach(async () => {
  server = await startInProcessServer();
});

afterEach(async () => {
  await server.close();
});

const ask = (body: string): Promise<boolean> =>
  askBoolean(server.store, `${sparqlPrefixes()}\nASK { ${body} }`, { unionDefaultGraph: true });

async function selectValues(query: string, variable: string): Promise<string[]> {
  const result = await selectRows(server.store, `${sparqlPrefixes()}\n${query}`, { unionDefaultGraph: true });
  return result.rows.map((row) => row[variable]?.value ?? '');
}

describe('provml demo', () => {
  it('captures the seismic-to-model lifecycle through the client and the HTTP API', async () => {
    const result = await runCli('demo', '--url', server.url);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('train-facies-unet ×4');
    expect(result.stdout).toContain(`best model: ${modelId('demo-run-4')}`);

    const executions = await selectValues(
      'SELECT DISTINCT ?name ?execution WHERE { ?execution a provml:WorkflowExecution ; provml:executionOf/provml:name ?name } ORDER BY ?name ?execution',
      'name',
    );
    expect(executions).toEqual(['seismic-curation', 'seismic-tiling', ...Array(4).fill('train-facies-unet')]);

    const experiment = `<${experimentIri(DEMO_DATA.training.experiment.id)}>`;
    const runs = await selectValues(
      `SELECT DISTINCT ?run WHERE { ?run provml:partOfExperiment ${experiment} } ORDER BY ?run`,
      'run',
    );
    expect(runs).toEqual(DEMO_DATA.training.runs.map((run) => workflowExecutionIri(run.id)));

    const failed = await selectValues(
      'SELECT DISTINCT ?run WHERE { ?task a provml:Training ; provml:hasStatus provml:Failed ; provml:errorMessage ?error ; provml:partOfWorkflowExecution ?run }',
      'run',
    );
    expect(failed).toEqual([workflowExecutionIri('demo-run-3')]);

    const bestModel = `<${dataIri(modelId('demo-run-4'))}>`;
    expect(
      await ask(
        `${bestModel} a provml:Model ; provml:generatedModel ?training . ?training provml:usedHyperparameter [ provml:attributeName "learning_rate" ; prov:value ?lr ] FILTER(?lr = 0.003)`,
      ),
    ).toBe(true);

    // Lineage across the three workflows: model ← training tiles ← curated cube ← raw SEG-Y, and the formation.
    const formation = `<${DEMO_DATA.domainEntities.formation}>`;
    expect(
      await ask(
        `${bestModel} prov:wasDerivedFrom+ ?raw . ?raw a provml:RawData . ${bestModel} prov:wasDerivedFrom+ ?cube . ?cube provml:refersToDomainEntity ${formation}`,
      ),
    ).toBe(true);

    const epochs = await selectValues(
      `SELECT DISTINCT ?epoch WHERE { ?e provml:hasMeasure/provml:name "loss" ; provml:stageKind "training" ; provml:sectionIndex ?epoch ; prov:wasGeneratedBy/prov:wasInformedBy/provml:partOfWorkflowExecution <${workflowExecutionIri('demo-run-2')}> } ORDER BY ?epoch`,
      'epoch',
    );
    expect(epochs).toEqual(['1', '2', '3', '4']);
    expect(await ask('?tiles a provml:TrainingData ; provml:sampleCount 4800')).toBe(true);
    // Who ran each stage and where: the personas and hosts of the demo data, per workflow.
    for (const part of [DEMO_DATA.curation, DEMO_DATA.preparation, DEMO_DATA.training]) {
      expect(
        await ask(`?run prov:wasAssociatedWith ?persona ; provml:ranOn ?host .
          ?persona a provml:Persona ; provml:name ${JSON.stringify(part.persona)} .
          ?host provml:hostname ${JSON.stringify(part.host)}`),
        part.persona,
      ).toBe(true);
    }
  });

  it('is idempotent: a second run against the same server, from another process, changes nothing', async () => {
    expect((await runCli('demo', '--url', server.url)).code).toBe(0);
    const dump = async () =>
      (await dumpText(server.store.dump({ format: 'application/n-quads' })))
        .split('\n')
        .filter(Boolean)
        .sort();
    const before = await dump();
    // A re-run is another process: its pid must not make the demo's events a second, conflicting version.
    const pid = Object.getOwnPropertyDescriptor(process, 'pid') as PropertyDescriptor;
    Object.defineProperty(process, 'pid', { ...pid, value: process.pid + 1 });
    let again: Awaited<ReturnType<typeof runCli>>;
    try {
      again = await runCli('demo', '--url', server.url);
    } finally {
      Object.defineProperty(process, 'pid', pid);
    }
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('all already recorded, nothing written');
    expect(await dump()).toEqual(before);
  });

  it('--in-process runs against a temporary durable server of its own and cleans up', async () => {
    const result = await runCli('demo', '--in-process');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('train-facies-unet ×4');
    expect(result.stdout).toMatch(/demo-run-3 +0\.1 +32 +Failed/);
  });

  it('fails with one line saying how to start a server when none answers', async () => {
    const url = server.url;
    await server.close();
    const result = await runCli('demo', '--url', url);
    expect(result.code).not.toBe(0);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`no provml server answers at ${url}`);
    server = await startInProcessServer();
  });
});
