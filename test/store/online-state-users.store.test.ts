// The users the online state keeps beside a running marker (state:user) must be what running-tasks' former
// fallback found over every graph, whatever the order the deciding facts arrive in (the start, the association,
// the person's type and name, each possibly in another graph and batch), however often they are re-sent, after
// a rebuild, and after a crash between a write and its refresh.
import { describe, expect, it } from 'vitest';
import type { LiteralTerm, NamedNodeTerm, QuadData } from '../../src/rdf/index.ts';
import {
  onlineStateSettled,
  type ProvStore,
  pendingMarkers,
  refreshOnlineState,
  selectRows,
} from '../../src/store/index.ts';
import { openTestStore } from '../support/test-store.ts';

const PROV = 'http://www.w3.org/ns/prov#';
const PROVML = 'https://w3id.org/provml#';
const iri = (value: string): NamedNodeTerm => ({ termType: 'NamedNode', value });
const text = (value: string): LiteralTerm => ({
  termType: 'Literal',
  value,
  language: '',
  datatype: iri('http://www.w3.org/2001/XMLSchema#string'),
});
const RUN_GRAPH = iri('urn:provml-test:graph:run');
const OTHER_GRAPH = iri('urn:provml-test:graph:other');
const ACTIVITY = iri('urn:provml-test:activity');
const AGENT = iri('urn:provml-test:alice');
const quad = (s: NamedNodeTerm, p: string, o: QuadData['object'], g: NamedNodeTerm): QuadData => ({
  subject: s,
  predicate: iri(p),
  object: o,
  graph: g,
});

const started = quad(ACTIVITY, `${PROV}startedAtTime`, text('2024-01-01T00:00:00Z'), RUN_GRAPH);
const associated = quad(ACTIVITY, `${PROV}wasAssociatedWith`, AGENT, RUN_GRAPH);
const person = quad(
  AGENT,
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#type',
  iri(`${PROV}Person`),
  OTHER_GRAPH,
);
const named = quad(AGENT, `${PROVML}name`, text('alice'), OTHER_GRAPH);
const ended = quad(ACTIVITY, `${PROV}endedAtTime`, text('2024-01-01T01:00:00Z'), RUN_GRAPH);
const FACTS = [started, associated, person, named];

async function ingest(store: ProvStore, quads: QuadData[]): Promise<void> {
  await store.insert(quads);
  await refreshOnlineState(store, quads);
}

/** The state graph's user facts, as `activity name` lines. */
async function users(store: ProvStore): Promise<string[]> {
  const result = await selectRows(
    store,
    'SELECT ?a ?u WHERE { GRAPH <https://w3id.org/provml/graph/online-state> { ?a <https://w3id.org/provml/state#user> ?u } }',
  );
  return result.rows.map((row) => `${row.a?.value} ${row.u?.value}`).sort();
}

const ALICE = [`${ACTIVITY.value} alice`];

/** Every order of the four facts, one batch each. */
function orders(items: QuadData[]): QuadData[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    orders([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

describe('the users of running activities kept in the online state', () => {
  it('are the same whatever order the start, association, type and name arrive in', async () => {
    for (const order of orders(FACTS)) {
      const store = await openTestStore();
      for (const fact of order) {
        await ingest(store, [fact]);
      }
      expect(await users(store), order.map((q) => q.predicate.value).join(', ')).toEqual(ALICE);
    }
  });

  it('need a person with a name: none before both are known', async () => {
    const store = await openTestStore();
    await ingest(store, [started, associated, named]);
    expect(await users(store)).toEqual([]);
    await ingest(store, [person]);
    expect(await users(store)).toEqual(ALICE);
  });

  it('do not change when facts are re-sent, and go with the running marker', async () => {
    const store = await openTestStore();
    await ingest(store, FACTS);
    await ingest(store, FACTS);
    await ingest(store, [named, associated]);
    expect(await users(store)).toEqual(ALICE);
    await ingest(store, [ended]);
    expect(await users(store)).toEqual([]);
    await ingest(store, FACTS);
    expect(await users(store)).toEqual([]);
  });

  it('follow a removed fact', async () => {
    const store = await openTestStore();
    await ingest(store, FACTS);
    await store.update(
      `DELETE DATA { GRAPH <${OTHER_GRAPH.value}> { <${AGENT.value}> <${PROVML}name> "alice" } }`,
    );
    await refreshOnlineState(store, { added: [], removed: [named] });
    expect(await users(store)).toEqual([]);
  });

  it('are built by a rebuild of a store loaded raw', async () => {
    const store = await openTestStore();
    await store.insert(FACTS);
    expect(await users(store)).toEqual([]);
    await refreshOnlineState(store);
    expect(await users(store)).toEqual(ALICE);
  });

  it('are computed after a crash between a write and its refresh (pending markers)', async () => {
    const before = await openTestStore();
    await ingest(before, [started, associated]);
    // The person's facts are written with their pending markers; the refresh never runs.
    await before.insert([person, named, ...pendingMarkers([person, named])]);
    const dump = await selectRows(before, 'SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }');
    const after = await openTestStore();
    await after.insert(
      dump.rows.map((row) => ({
        subject: row.s as NamedNodeTerm,
        predicate: row.p as NamedNodeTerm,
        object: row.o as QuadData['object'],
        graph: row.g as NamedNodeTerm,
      })),
    );
    expect(await users(after)).toEqual([]);
    await onlineStateSettled(after);
    expect(await users(after)).toEqual(ALICE);
  });
});
