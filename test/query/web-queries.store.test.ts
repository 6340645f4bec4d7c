import { describe, expect, it } from 'vitest';
import { DEFAULT_ONTOLOGY_DIR, ensureOntologyGraph } from '../../src/ontology/index.ts';
import { bindQuery, pageQuery } from '../../src/query/index.ts';
import type { SelectResult } from '../../src/store/index.ts';
import { selectRows } from '../../src/store/index.ts';
import { ID, lifecycleCatalog } from './support/lifecycle.ts';

// The catalog queries behind the web page's views, on the lifecycle fixture (curation → two preparations,
// one failed → three training runs of experiment exp-facies, train-3 still running).

const suite = lifecycleCatalog((store) => ensureOntologyGraph(store, DEFAULT_ONTOLOGY_DIR));
const { run } = suite;

const column = (result: SelectResult, name: string): string[] =>
  result.rows.map((row) => row[name]?.value ?? '');
const short = (iri: string): string => iri.replace(ID, '');

describe('runs', () => {
  it('lists every workflow execution once, with its status, workflow, experiment, user and host', async () => {
    const result = await run('runs');
    const byRun = Object.fromEntries(
      result.rows.map((row) => [
        short(row.execution?.value ?? ''),
        [row.status?.value, row.workflow?.value, row.user?.value],
      ]),
    );
    expect(byRun).toEqual({
      'wfexec/cur-1': ['finished', 'seismic-curation', 'alice'],
      'wfexec/prep-1': ['finished', 'tiling', 'bob'],
      'wfexec/prep-2': ['failed', 'tiling', 'bob'],
      'wfexec/train-1': ['finished', 'train-facies', 'carol'],
      'wfexec/train-2': ['finished', 'train-facies', 'carol'],
      'wfexec/train-3': ['running', 'train-facies', 'carol'],
    });
    const train3 = result.rows.find((row) => row.execution?.value === `${ID}wfexec/train-3`);
    expect(train3?.experiment?.value).toBe(`${ID}experiment/exp-facies`);
    expect(train3?.study?.value).toBe(`${ID}study/study-1`);
    expect(train3?.ended).toBeUndefined();
    expect(train3?.duration).toBeUndefined();
    expect(train3?.host?.value).toContain('gpu-node-2');
  });

  it('filters by experiment, status and text, each bound as a term', async () => {
    expect((await run('runs', { inExperiment: `${ID}experiment/exp-facies` })).rows).toHaveLength(3);
    expect(column(await run('runs', { withStatus: 'failed' }), 'execution')).toEqual([`${ID}wfexec/prep-2`]);
    expect(column(await run('runs', { text: 'TILING' }), 'execution').sort()).toEqual([
      `${ID}wfexec/prep-1`,
      `${ID}wfexec/prep-2`,
    ]);
    expect((await run('runs', { text: '"} ; DROP ALL ; {"' })).rows).toEqual([]);
  });

  it('pages on the parsed query: sorted by a column, then limited', async () => {
    const entry = suite.catalog.get('runs');
    const bound = bindQuery(entry.query, entry.params, {});
    const all = await selectRows(suite.store, bound, { unionDefaultGraph: true });
    const sorted = column(all, 'execution').sort();
    const page = await selectRows(
      suite.store,
      pageQuery(bound, { sortBy: 'execution', offset: 2, limit: 2 }),
      {
        unionDefaultGraph: true,
      },
    );
    expect(column(page, 'execution')).toEqual(sorted.slice(2, 4));
    const descending = await selectRows(
      suite.store,
      pageQuery(bound, { sortBy: 'execution', descending: true, offset: 0, limit: 1 }),
      { unionDefaultGraph: true },
    );
    expect(column(descending, 'execution')).toEqual([sorted.at(-1)]);
    expect(() => pageQuery(bound, { sortBy: 'nope } DROP ALL', offset: 0, limit: 1 })).toThrow(
      /not a column/,
    );
  });
});

describe('run-count', () => {
  it('counts the runs the unfiltered runs query lists', async () => {
    const count = await run('run-count');
    expect(count.rows[0]?.count?.value).toBe(String((await run('runs')).rows.length));
    expect(count.rows[0]?.count?.value).toBe('6');
  });
});

describe('run-order and run-details (a page found on the light query, then described)', () => {
  const select = (query: string): Promise<SelectResult> =>
    selectRows(suite.store, query, { unionDefaultGraph: true });
  const bound = (name: string, values: Record<string, string> = {}): string => {
    const entry = suite.catalog.get(name);
    return bindQuery(entry.query, entry.params, values);
  };
  const keyed = (result: SelectResult, columns: string[]): string[] =>
    result.rows.map((row) => columns.map((name) => row[name]?.value ?? '-').join(' '));

  it('declare their typed parameters and columns', () => {
    const params = (name: string) =>
      suite.catalog.get(name).params.map((p) => [p.name, p.type, p.required, p.multiple]);
    expect(params('run-order')).toEqual([
      ['inExperiment', 'iri', false, false],
      ['withStatus', 'string', false, false],
    ]);
    expect(params('run-details')).toEqual([['execution', 'iri', true, true]]);
    expect(suite.catalog.get('run-order').columns.map((c) => c.name)).toEqual([
      'execution',
      'started',
      'status',
      'duration',
    ]);
    expect(suite.catalog.get('run-details').columns).toEqual(suite.catalog.get('runs').columns);
  });

  it("run-order has the runs query's rows and keys, filtered alike", async () => {
    const keys = ['execution', 'started', 'status', 'duration'];
    expect(keyed(await run('run-order'), keys)).toEqual(keyed(await run('runs'), keys));
    const filters: Array<Record<string, string>> = [
      { inExperiment: `${ID}experiment/exp-facies` },
      { withStatus: 'running' },
      { withStatus: 'finished', inExperiment: `${ID}experiment/exp-facies` },
    ];
    for (const filter of filters) {
      const light = keyed(await run('run-order', filter), keys);
      expect(light).toEqual(keyed(await run('runs', filter), keys));
      expect(light.length).toBeGreaterThan(0);
    }
  });

  it('gives, sorted and paged on its parse, the same pages as the runs query', async () => {
    for (const sortBy of ['execution', 'started', 'status', 'duration'])
      for (const descending of [false, true])
        for (const offset of [0, 2, 4]) {
          const options = { sortBy, descending, offset, limit: 2 };
          const light = column(await select(pageQuery(bound('run-order'), options)), 'execution');
          const full = column(await select(pageQuery(bound('runs'), options)), 'execution');
          expect(light, `${sortBy} ${descending ? 'desc' : 'asc'} from ${offset}`).toEqual(full);
        }
  });

  it("run-details gives the runs query's rows of the executions bound, and no other", async () => {
    const chosen = [`${ID}wfexec/train-3`, `${ID}wfexec/prep-2`, `${ID}wfexec/cur-1`];
    const details = await run('run-details', { execution: chosen });
    const every = suite.catalog.get('runs').columns.map((c) => c.name);
    const expected = (await run('runs')).rows.filter((row) => chosen.includes(row.execution?.value ?? ''));
    expect(keyed(details, every).sort()).toEqual(keyed({ variables: every, rows: expected }, every).sort());
    expect(details.rows).toHaveLength(3);
    expect(details.rows.find((row) => row.execution?.value === `${ID}wfexec/train-3`)?.host?.value).toContain(
      'gpu-node-2',
    );
  });
});

describe('run-values', () => {
  it('gives the hyperparameters and the final (epoch-less) metrics of the chosen runs only', async () => {
    const result = await run('run-values', { execution: [`${ID}wfexec/train-1`] });
    const rows = result.rows.map((row) => [
      row.kind?.value,
      row.name?.value,
      row.stage?.value ?? '',
      Number(row.value?.value),
    ]);
    expect(rows).toEqual(
      expect.arrayContaining([
        ['hyperparameter', 'learning_rate', '', 0.001],
        ['hyperparameter', 'batch_size', '', 16],
        ['metric', 'accuracy', 'evaluation', 0.81],
        ['metric', 'loss', 'evaluation', 0.31],
      ]),
    );
    expect(new Set(column(result, 'execution'))).toEqual(new Set([`${ID}wfexec/train-1`]));
  });
});

describe('models', () => {
  it('lists the models with the execution that trained them', async () => {
    const result = await run('models', { inExperiment: `${ID}experiment/exp-facies` });
    expect(
      result.rows.map((row) => [short(row.model?.value ?? ''), short(row.execution?.value ?? '')]),
    ).toEqual(
      expect.arrayContaining([
        ['data/unet-a', 'wfexec/train-1'],
        ['data/unet-b', 'wfexec/train-2'],
      ]),
    );
  });
});

describe('lineage-nodes and lineage-edges', () => {
  it("draw unet-a's lineage: model ← training ← tiles ← tiling ← cube ← raw file, and the cube's formation", async () => {
    const model = `${ID}data/unet-a`;
    const edges = await run('lineage-edges', { model });
    const ends = [
      ...new Set(edges.rows.flatMap((row) => [row.source?.value ?? '', row.target?.value ?? ''])),
    ];
    const nodes = await run('lineage-nodes', { node: ends });
    const kinds = Object.fromEntries(
      nodes.rows.map((row) => [short(row.node?.value ?? ''), row.kind?.value]),
    );
    expect(kinds).toMatchObject({
      'data/unet-a': 'model',
      'data/tiles-train': 'training',
      'data/f3-cube': 'domain',
      'data/raw%2Ff3.segy': 'raw',
      'wfexec/train-1/task/fit': 'task',
      'https://kg.example.org/geology#Carapebus': 'entity',
    });
    expect(nodes.rows.find((row) => row.node?.value === `${ID}wfexec/train-1/task/fit`)?.label?.value).toBe(
      'train-unet',
    );
    expect(kinds).not.toHaveProperty('data/parihaka-cube');
    const list = edges.rows.map(
      (row) => `${short(row.source?.value ?? '')} ${row.relation?.value} ${short(row.target?.value ?? '')}`,
    );
    expect(list).toEqual(
      expect.arrayContaining([
        'wfexec/train-1/task/fit generated data/unet-a',
        'data/f3-cube derived data/tiles-train',
        'data/raw%2Ff3.segy derived data/f3-cube',
        'https://kg.example.org/geology#Carapebus domainEntity data/f3-cube',
      ]),
    );
    expect(list.some((edge) => edge.includes('parihaka'))).toBe(false);
  });
});

describe('ontology-classes', () => {
  it('gives each PROV-ML class with its direct superclasses in PROV-ML, PROV-O and ML Schema', async () => {
    const result = await run('ontology-classes');
    const supers = (name: string): string[] =>
      result.rows
        .filter((row) => row.class?.value === `https://w3id.org/provml#${name}`)
        .map((row) => row.superClass?.value ?? '');
    expect(supers('BaseLearningStage').sort()).toEqual([
      'http://www.w3.org/ns/mls#Run',
      'https://w3id.org/provml#DataTransformationExecution',
    ]);
    expect(supers('Training')).toEqual(['https://w3id.org/provml#LearningStage']);
    const kinds = new Set(column(result, 'kind'));
    expect(kinds).toEqual(new Set(['Prospective', 'Retrospective', '']));
  });
});
