import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProvmlError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import type { QuadData } from '../../src/rdf/index.ts';
import { openSparqlStore, type SparqlStore, selectRows } from '../../src/store/index.ts';
import { startVirtuoso, type VirtuosoServer } from '../support/virtuoso.ts';

// The outbox promise: an acknowledged write survives an engine outage and a provml restart.

const EX = 'http://example.org/';
const GRAPH = `${EX}run`;
const named = (value: string) => ({ termType: 'NamedNode' as const, value });
const batch = (n: number): QuadData[] =>
  Array.from({ length: 50 }, (_, i) => ({
    subject: named(`${EX}event/${n}/${i}`),
    predicate: named(`${EX}index`),
    object: {
      termType: 'Literal' as const,
      value: String(n * 50 + i),
      language: '',
      datatype: named('http://www.w3.org/2001/XMLSchema#integer'),
    },
    graph: named(GRAPH),
  }));
const count = async (store: SparqlStore): Promise<number> => {
  const result = await selectRows(store, `SELECT (COUNT(*) AS ?n) WHERE { GRAPH <${GRAPH}> { ?s ?p ?o } }`);
  return Number(result.rows[0]?.n?.value);
};

describe('remote store outbox against Virtuoso', () => {
  let server: VirtuosoServer;
  let outboxDir: string;

  beforeAll(async () => {
    server = await startVirtuoso();
    outboxDir = await mkdtemp(join(tmpdir(), 'provml-outbox-'));
  }, 120_000);
  afterAll(async () => {
    await server?.stop();
    await rm(outboxDir, { recursive: true, force: true });
  }, 60_000);

  const open = (): Promise<SparqlStore> =>
    openSparqlStore({
      queryUrl: server.sparqlUrl,
      updateUrl: server.sparqlUrl,
      graphStoreUrl: server.graphStoreUrl,
      outboxDir,
      queryTimeoutMs: 1_500,
      writeTimeoutMs: 1_000,
      logger: silentLogger(),
    });

  it('keeps acknowledging inserts while the engine is frozen, then killed, and delivers all after both restart', async () => {
    let store = await open();
    for (let n = 0; n < 5; n++) await store.insert(batch(n));
    expect(await count(store)).toBe(250);

    server.signal('SIGSTOP');
    for (let n = 5; n < 20; n++) await store.insert(batch(n));
    expect(store.pendingWrites).toBeGreaterThan(0);
    const blocked = await selectRows(store, 'SELECT * WHERE { ?s ?p ?o } LIMIT 1').catch(
      (error: unknown) => error,
    );
    expect(blocked).toBeInstanceOf(ProvmlError);
    expect((blocked as ProvmlError).code).toBe('Unavailable');

    server.signal('SIGKILL');
    for (let n = 20; n < 30; n++) await store.insert(batch(n));
    await store.close();

    store = await open();
    expect(store.pendingWrites).toBeGreaterThan(0);
    const down = await store.stats().catch((error: unknown) => error);
    expect((down as ProvmlError).message).toMatch(/unreachable|waiting in the outbox/);

    await server.restart();
    await expect.poll(() => store.pendingWrites, { timeout: 30_000, interval: 200 }).toBe(0);
    expect(await count(store)).toBe(30 * 50);
    await store.close();
  }, 120_000);

  it('authenticates with HTTP Digest where the engine asks for it (/sparql-auth, graph-crud-auth)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'provml-outbox-auth-'));
    const options = {
      queryUrl: server.sparqlUrl,
      updateUrl: server.sparqlAuthUrl,
      graphStoreUrl: `${server.graphStoreUrl}-auth`,
      outboxDir: dir,
      queryTimeoutMs: 20_000,
      logger: silentLogger(),
    };
    const anonymous = await openSparqlStore(options);
    const refused = await anonymous
      .update(`INSERT DATA { GRAPH <${EX}auth> { <${EX}a> <${EX}p> "no" } }`)
      .catch((error: unknown) => error);
    expect((refused as ProvmlError).code).toBe('UpstreamFailed');
    expect((refused as ProvmlError).message).toMatch(/PROVML_SPARQL_USER/);
    await anonymous.close();
    await rm(dir, { recursive: true, force: true });

    const store = await openSparqlStore({ ...options, username: 'dba', password: 'dba' });
    await store.update(`INSERT DATA { GRAPH <${EX}auth> { <${EX}a> <${EX}p> "yes" } }`);
    await store.insert([
      {
        subject: named(`${EX}b`),
        predicate: named(`${EX}p`),
        object: { termType: 'BlankNode', value: 'x' },
        graph: named(`${EX}auth`),
      },
    ]);
    const rows = await selectRows(store, `SELECT ?s WHERE { GRAPH <${EX}auth> { ?s ?p ?o } }`);
    expect(rows.rows.map((r) => r.s?.value).sort()).toEqual([`${EX}a`, `${EX}b`]);
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
