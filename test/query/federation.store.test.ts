import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bindQuery,
  federatedSelect,
  packageCatalog,
  runCatalogQuery,
  runFederated,
} from '../../src/query/index.ts';
import { dumpText, openMemoryStore, type ProvStore, selectRows } from '../../src/store/index.ts';
import { type RunningEndpoint, startEndpoint } from './support/endpoint.ts';
import { GEO, ID, lifecycleStore } from './support/lifecycle.ts';

const GEOLOGY = new URL('../fixtures/federation/geology.ttl', import.meta.url);
let local: ProvStore;
let provenance: RunningEndpoint;
let knowledgeGraph: RunningEndpoint;
let deadUrl: string;

beforeAll(async () => {
  local = await lifecycleStore();
  const kg = await openMemoryStore();
  await kg.load(readFileSync(GEOLOGY, 'utf8'), { format: 'text/turtle' });
  knowledgeGraph = await startEndpoint(kg);
  provenance = await startEndpoint(local);
  const dead = await startEndpoint(await openMemoryStore());
  deadUrl = dead.url;
  await dead.close();
});

afterAll(async () => {
  await knowledgeGraph?.close();
  await provenance?.close();
});

const values = (rows: Array<Record<string, { value: string }>>, column: string): string[] =>
  rows.map((row) => row[column]?.value ?? '').sort();

describe('federation with a domain knowledge graph on a second endpoint', () => {
  it('the federated catalog query joins local lineage with the external graph', async () => {
    const entry = (await packageCatalog()).get('models-by-domain-property');
    const before = knowledgeGraph.requests();
    const sandstone = await runCatalogQuery(
      local,
      entry,
      { property: `${GEO}lithology`, value: `${GEO}Sandstone` },
      { sources: [knowledgeGraph.url] },
    );
    expect(values(sandstone.rows, 'model')).toEqual([`${ID}data/unet-a`, `${ID}data/unet-b`]);
    expect(values(sandstone.rows, 'entity')).toEqual([`${GEO}Carapebus`, `${GEO}Carapebus`]);
    expect(knowledgeGraph.requests()).toBeGreaterThan(before);
    // The running train-3 uses Parihaka data (a shale formation) and has produced no model yet.
    const shale = await runCatalogQuery(
      local,
      entry,
      { property: `${GEO}lithology`, value: `${GEO}Shale` },
      { sources: [knowledgeGraph.url] },
    );
    expect(shale.rows).toEqual([]);
    const campos = await runCatalogQuery(
      local,
      entry,
      { property: `${GEO}inBasin`, value: `${GEO}CamposBasin` },
      { sources: [knowledgeGraph.url] },
    );
    expect(values(campos.rows, 'model')).toEqual([`${ID}data/unet-a`, `${ID}data/unet-b`]);
  });

  it('answers a SERVICE clause with the local store as the other source', async () => {
    const query = `SELECT ?data ?porosity WHERE {
      ?data <https://w3id.org/provml#refersToDomainEntity> ?formation .
      SERVICE <${knowledgeGraph.url}> { ?formation <${GEO}porosity> ?porosity }
    }`;
    const answer = await runFederated(query, { store: local });
    expect(answer.form).toBe('select');
    const json = JSON.parse(await dumpText(answer.body)) as {
      results: { bindings: Array<Record<string, { value: string }>> };
    };
    expect(values(json.results.bindings, 'porosity')).toEqual(['0.04', '0.26']);
  });

  it('reads a Turtle file as a source', async () => {
    const result = await federatedSelect(
      `SELECT ?data WHERE { ?data <https://w3id.org/provml#refersToDomainEntity> ?f . ?f <${GEO}age> "Aptian" }`,
      {
        store: local,
        sources: [GEOLOGY.pathname],
      },
    );
    expect(result.rows).toEqual([]);
    const eocene = await federatedSelect(
      `SELECT ?data WHERE { ?data <https://w3id.org/provml#refersToDomainEntity> ?f . ?f <${GEO}age> "Eocene" }`,
      {
        store: local,
        sources: [GEOLOGY.pathname],
      },
    );
    expect(values(eocene.rows, 'data')).toEqual([`${ID}data/f3-cube`]);
  });

  it('a source that is down is a 502 naming it; an invalid query is a 400', async () => {
    const query = 'SELECT * WHERE { ?s ?p ?o } LIMIT 1';
    await expect(
      federatedSelect(query, { store: local, sources: [deadUrl], timeoutMs: 5000 }),
    ).rejects.toMatchObject({
      code: 'UpstreamFailed',
      message: expect.stringContaining(deadUrl),
    });
    await expect(
      runFederated(`SELECT * { SERVICE <${deadUrl}> { ?s ?p ?o } }`, { store: local, timeoutMs: 5000 }),
    ).rejects.toMatchObject({ code: 'UpstreamFailed' });
    await expect(runFederated('SELEC nothing', { store: local })).rejects.toMatchObject({
      code: 'BadRequest',
    });
  });
});

describe('Comunica and Oxigraph agree on local-only queries', () => {
  // Comunica once returned a different row count than Oxigraph for a property path: compare, do not assume.
  // Measured here: Comunica 5.4 agrees when the local store is its only source, but returns NO rows for the
  // full model-lineage query (path + 7 nested IF(EXISTS) + OPTIONALs) once a second SPARQL source is added,
  // although each part alone agrees. Federated queries therefore keep local-only parts simple.
  const bound = async (name: string, params: Record<string, string>): Promise<string> => {
    const entry = (await packageCatalog()).get(name);
    return bindQuery(entry.query, entry.params, params);
  };
  const key = (rows: Array<Record<string, { value: string }>>): string[] =>
    rows
      .map((row) =>
        JSON.stringify(
          Object.entries(row)
            .map(([k, v]) => [k, v.value])
            .sort(),
        ),
      )
      .sort();

  it('model-lineage, Comunica over the local store alone', async () => {
    const query = await bound('model-lineage', { model: `${ID}data/unet-a` });
    const native = await selectRows(local, query, { unionDefaultGraph: true });
    expect(key((await federatedSelect(query, { store: local })).rows)).toEqual(key(native.rows));
    expect(native.rows.length).toBe(3);
  });

  it('models-from-raw-data, Comunica over the local store plus a second endpoint', async () => {
    const query = await bound('models-from-raw-data', { raw: `${ID}data/raw%2Ff3.segy` });
    const native = await selectRows(local, query, { unionDefaultGraph: true });
    expect(key((await federatedSelect(query, { store: local, sources: [knowledgeGraph.url] })).rows)).toEqual(
      key(native.rows),
    );
    expect(native.rows.length).toBe(2);
  });

  it('the local store reached over HTTP gives the same rows as in process', async () => {
    const query =
      'SELECT ?model ?data WHERE { ?model <http://www.w3.org/ns/prov#wasGeneratedBy>/<http://www.w3.org/ns/prov#used> ?data }';
    const inProcess = await federatedSelect(query, { store: local });
    const overHttp = await federatedSelect(query, { sources: [provenance.url] });
    expect(values(overHttp.rows, 'data')).toEqual(values(inProcess.rows, 'data'));
    expect(inProcess.rows.length).toBeGreaterThan(0);
  });
});
