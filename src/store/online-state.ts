import {
  ONLINE_STATE_GRAPH,
  prov,
  provml,
  rdf,
  STATE_LATEST_OF,
  STATE_NOW,
  STATE_RUNNING,
} from '../vocab.ts';
import type { ProvStore } from './api.ts';
import { iriToNTriples } from './ntriples.ts';
import type { NamedNodeTerm, QuadData, Term } from './terms.ts';

// Why state and not a query over history: "what is running" and "the latest value per measure" are the questions
// asked during training, and answering them from the facts is an anti-join (no end recorded) and a MAX over every
// value ever written: both grow with the store. Kept as marker triples in ONLINE_STATE_GRAPH, they cost the
// catalog a lookup of the few markers there are.
//
// Why here (after the write) and not in the translator: an event alone cannot tell whether its activity is still
// running (the end may have been ingested before the start) or whether its value is the latest (a higher epoch
// may be stored already, and which run a value belongs to can arrive later, with its section's start). So each
// marker is RECOMPUTED from the stored facts for the keys a batch touches: a marker is a function of the facts,
// and facts are only ever added (re-sending an event adds nothing), so the result is the same whatever the order
// of the events and however often they are re-sent. Refreshes of one store run one at a time, each after its
// batch is written: the last refresh touching a key reads every fact about it.

const RUNNING = iriToNTriples(STATE_RUNNING);
const LATEST_OF = iriToNTriples(STATE_LATEST_OF);
const STATE_GRAPH = iriToNTriples(ONLINE_STATE_GRAPH);
const NOW: NamedNodeTerm = { termType: 'NamedNode', value: STATE_NOW };
/** Terms per VALUES block: bounds the text of one query. */
const CHUNK = 400;

/** Facts that decide whether an activity is running. */
const ACTIVITY_FACTS = new Set([prov('startedAtTime'), prov('endedAtTime'), provml('hasStatus')]);
/** Facts that decide which values are a run's latest: the run's own, its sections' and its values'. */
const RUN_FACTS = new Set([
  rdf('type'),
  prov('startedAtTime'),
  prov('endedAtTime'),
  prov('wasGeneratedBy'),
  prov('wasInformedBy'),
  prov('value'),
  provml('hasMeasure'),
  provml('sectionIndex'),
  provml('attributeName'),
]);

const PREFIXES = `PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX provml: <https://w3id.org/provml#>
`;

// The running-tasks condition of the catalog's former formulation (test/fixtures/queries/reference).
const RUNNING_NOW = (values: string) => `${PREFIXES}SELECT DISTINCT ?activity WHERE {
  ${values}
  ?activity prov:startedAtTime ?started .
  FILTER NOT EXISTS { ?activity prov:endedAtTime ?ended }
  FILTER NOT EXISTS { ?activity provml:hasStatus ?status }
}`;
const RUNNING_MARKED = (values: string) =>
  `SELECT DISTINCT ?activity WHERE { ${values} GRAPH ${STATE_GRAPH} { ?activity ${RUNNING} ?now } }`;

// The values latest-metric-running's former formulation returns, per run: the highest section index per measure
// of a running training stage, and the values at that index.
const LATEST_NOW = (values: string) => `${PREFIXES}SELECT DISTINCT ?evaluation ?run WHERE {
  {
    SELECT ?run ?measure (MAX(?index) AS ?epoch) WHERE {
      ${values}
      ?run a provml:LearningStage ; prov:startedAtTime ?started .
      FILTER NOT EXISTS { ?run prov:endedAtTime ?ended }
      ?scored a provml:ModelEvaluation ;
        provml:hasMeasure ?measureNode ;
        provml:sectionIndex ?index ;
        prov:wasGeneratedBy/prov:wasInformedBy? ?run .
      ?measureNode provml:name ?measure .
    }
    GROUP BY ?run ?measure
  }
  ?evaluation provml:sectionIndex ?epoch ;
    prov:wasGeneratedBy/prov:wasInformedBy? ?run ;
    provml:attributeName ?measure ;
    prov:value ?value .
  FILTER EXISTS { ?evaluation a provml:ModelEvaluation }
}`;
const LATEST_MARKED = (values: string) =>
  `SELECT DISTINCT ?evaluation ?run WHERE { ${values} GRAPH ${STATE_GRAPH} { ?evaluation ${LATEST_OF} ?run } }`;

/** Runs a subject of the batch can belong to: a value's generating activity and that activity's parent. */
const RUNS_OF = (values: string) => `${PREFIXES}SELECT DISTINCT ?run WHERE {
  ${values}
  ?s prov:wasGeneratedBy|prov:wasInformedBy|(prov:wasGeneratedBy/prov:wasInformedBy) ?run .
}`;

const queues = new WeakMap<ProvStore, Promise<void>>();

/**
 * Brings the online state up to date with `quads` just written (or, without quads, rebuilds it from every fact:
 * after an import, or to repair). One refresh at a time per store.
 */
export function refreshOnlineState(store: ProvStore, quads?: QuadData[]): Promise<void> {
  const previous = queues.get(store) ?? Promise.resolve();
  const run = previous.catch(() => {}).then(() => refresh(store, quads));
  queues.set(store, run);
  return run;
}

async function refresh(store: ProvStore, quads: QuadData[] | undefined): Promise<void> {
  if (!quads) {
    await reconcile(store, RUNNING_NOW, RUNNING_MARKED, ['activity'], STATE_RUNNING, undefined);
    await reconcile(store, LATEST_NOW, LATEST_MARKED, ['evaluation', 'run'], STATE_LATEST_OF, undefined);
    return;
  }
  const activities = subjectsWith(quads, ACTIVITY_FACTS);
  if (activities.length > 0)
    await reconcile(store, RUNNING_NOW, RUNNING_MARKED, ['activity'], STATE_RUNNING, activities);
  const touched = subjectsWith(quads, RUN_FACTS);
  if (touched.length === 0) return;
  const runs = new Set(touched);
  for (const chunk of chunks(touched)) {
    const result = await store.select(RUNS_OF(valuesOf('s', chunk)), { unionDefaultGraph: true });
    for (const row of result.rows) if (row.run?.termType === 'NamedNode') runs.add(row.run.value);
  }
  await reconcile(store, LATEST_NOW, LATEST_MARKED, ['evaluation', 'run'], STATE_LATEST_OF, [...runs]);
}

/**
 * Makes the markers of `keys` (all keys when undefined) equal what the facts say: adds the missing ones first,
 * then removes the stale ones, so a reader never sees a still-valid marker missing.
 */
async function reconcile(
  store: ProvStore,
  now: (values: string) => string,
  marked: (values: string) => string,
  columns: ['activity'] | ['evaluation', 'run'],
  predicate: string,
  keys: string[] | undefined,
): Promise<void> {
  const keyColumn = columns.length === 1 ? 'activity' : 'run';
  for (const chunk of keys ? chunks(keys) : [undefined]) {
    const values = chunk ? valuesOf(keyColumn, chunk) : '';
    const [current, stored] = await Promise.all([
      store.select(now(values), { unionDefaultGraph: true }),
      store.select(marked(values), { unionDefaultGraph: true }),
    ]);
    const wanted = markerMap(current.rows, columns);
    const existing = markerMap(stored.rows, columns);
    const add = [...wanted].filter(([key]) => !existing.has(key)).map(([, quad]) => quad);
    const drop = [...existing].filter(([key]) => !wanted.has(key)).map(([, quad]) => quad);
    if (add.length > 0) await store.insert(add.map(([s, o]) => marker(s, predicate, o)));
    if (drop.length > 0) await store.update(deleteData(drop, predicate));
  }
}

type Marker = [NamedNodeTerm, NamedNodeTerm];

function markerMap(rows: Array<Record<string, Term>>, columns: string[]): Map<string, Marker> {
  const out = new Map<string, Marker>();
  for (const row of rows) {
    const subject = row[columns[0] as string];
    const object = columns[1] === undefined ? NOW : row[columns[1]];
    if (subject?.termType !== 'NamedNode' || object?.termType !== 'NamedNode') continue;
    out.set(`${subject.value} ${object.value}`, [subject, object]);
  }
  return out;
}

function marker(subject: NamedNodeTerm, predicate: string, object: NamedNodeTerm): QuadData {
  return {
    subject,
    predicate: { termType: 'NamedNode', value: predicate },
    object,
    graph: { termType: 'NamedNode', value: ONLINE_STATE_GRAPH },
  };
}

/** DELETE DATA of markers, every term written by the one audited serializer. */
function deleteData(markers: Marker[], predicate: string): string {
  const p = iriToNTriples(predicate);
  const lines = markers.map(([s, o]) => `${iriToNTriples(s.value)} ${p} ${iriToNTriples(o.value)}`);
  return `DELETE DATA { GRAPH ${STATE_GRAPH} {\n${lines.join(' .\n')} .\n} }`;
}

function subjectsWith(quads: QuadData[], predicates: Set<string>): string[] {
  const out = new Set<string>();
  for (const quad of quads)
    if (quad.subject.termType === 'NamedNode' && predicates.has(quad.predicate.value))
      out.add(quad.subject.value);
  return [...out];
}

function valuesOf(variable: string, iris: string[]): string {
  return `VALUES ?${variable} { ${iris.map(iriToNTriples).join(' ')} }`;
}

function chunks<T>(items: T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}
