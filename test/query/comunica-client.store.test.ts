// Comunica as an unmodified generic client of provml's /sparql (a SPARQL endpoint source and destination),
// against a provml server on 127.0.0.1.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { QueryEngine } from '@comunica/query-sparql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBoolean } from '../../src/store/index.ts';
import { appOver, EX, G1, seededApp } from '../server/fixture.ts';

describe('Comunica against /sparql', () => {
  let server: Server;
  let endpoint: string;
  let store: Awaited<ReturnType<typeof seededApp>>['store'];
  const engine = new QueryEngine();

  beforeAll(async () => {
    const seeded = await seededApp();
    store = seeded.store;
    server = appOver(seeded.store, seeded.config).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sparql`;
  });
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('selects, asks and constructs through a sparql source', async () => {
    const sources = [{ type: 'sparql', value: endpoint }] as [{ type: 'sparql'; value: string }];
    const bindings = await (
      await engine.queryBindings(`SELECT ?o WHERE { GRAPH <${G1}> { ?s <${EX}p> ?o } }`, { sources })
    ).toArray();
    expect(bindings.map((row) => row.get('o')?.value)).toEqual(['in g1']);
    expect(await engine.queryBoolean(`ASK { GRAPH <${G1}> { <${EX}a> ?p ?o } }`, { sources })).toBe(true);
    const quads = await (
      await engine.queryQuads(`CONSTRUCT { ?s ?p ?o } WHERE { GRAPH <${G1}> { ?s ?p ?o } }`, { sources })
    ).toArray();
    expect(quads.map((quad) => quad.object.value)).toEqual(['in g1']);
  });

  it('updates through a sparql destination', async () => {
    await engine.queryVoid(`INSERT DATA { GRAPH <${EX}comunica> { <${EX}c> <${EX}p> "from comunica" } }`, {
      sources: [{ type: 'sparql', value: endpoint }],
      destination: { type: 'sparql', value: endpoint },
    });
    expect(
      await askBoolean(store, `ASK { GRAPH <${EX}comunica> { <${EX}c> <${EX}p> "from comunica" } }`),
    ).toBe(true);
  });
});
