import {
  ONLINE_STATE_GRAPH,
  prov,
  provml,
  rdf,
  STATE_LATEST_OF,
  STATE_NOW,
  STATE_RUNNING,
} from '../vocab.ts';
import type { ProvStore, SelectResult } from './api.ts';
import { iriToNTriples, termToNTriples } from './ntriples.ts';
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
const runningNow = (store: ProvStore, values: string) =>
  store.select(RUNNING_NOW(values), { unionDefaultGraph: true });
const RUNNING_MARKED = (values: string) =>
  `SELECT DISTINCT ?activity WHERE { ${values} GRAPH ${STATE_GRAPH} { ?activity ${RUNNING} ?now } }`;

// The values latest-metric-running's former formulation returns, per run: the highest section index per measure
// of a running training stage, and the values at that index. Written to start from the bound runs: the running
// check first, `wasGeneratedBy/wasInformedBy?` spelled as a UNION (a path with a bound object was evaluated from
// every generation edge), the MAX per measure node before the shared measure's name (a MAX of MAXes is the MAX).
const GENERATED_BY_RUN = (value: string) =>
  `{ ${value} prov:wasGeneratedBy ?run } UNION { ?section prov:wasInformedBy ?run . ${value} prov:wasGeneratedBy ?section }`;
const LATEST_EPOCHS = (values: string) => `${PREFIXES}SELECT ?run ?measure (MAX(?nodeEpoch) AS ?epoch) WHERE {
  {
    SELECT ?run ?measureNode (MAX(?index) AS ?nodeEpoch) WHERE {
      ${values}
      ?run a provml:LearningStage ; prov:startedAtTime ?started .
      FILTER NOT EXISTS { ?run prov:endedAtTime ?ended }
      ${GENERATED_BY_RUN('?scored')}
      ?scored provml:hasMeasure ?measureNode ; provml:sectionIndex ?index .
      FILTER EXISTS { ?scored a provml:ModelEvaluation }
    }
    GROUP BY ?run ?measureNode
  }
  ?measureNode provml:name ?measure .
}
GROUP BY ?run ?measure`;
// Then the values at those epochs, in a query of their own: joined to a subquery's rows, the generation UNION
// was evaluated unbound (every generation edge of the store).
const VALUES_AT = (values: string) => `${PREFIXES}SELECT DISTINCT ?evaluation ?run WHERE {
  ${values}
  ${GENERATED_BY_RUN('?evaluation')}
  ?evaluation provml:sectionIndex ?epoch ; provml:attributeName ?measure ; prov:value ?value .
  FILTER EXISTS { ?evaluation a provml:ModelEvaluation }
}`;
async function latestNow(store: ProvStore, values: string): Promise<SelectResult> {
  const epochs = await store.select(LATEST_EPOCHS(values), { unionDefaultGraph: true });
  const rows = epochs.rows.filter((row) => row.run && row.measure && row.epoch);
  const out: SelectResult = { variables: ['evaluation', 'run'], rows: [] };
  for (const chunk of chunks(rows)) {
    const table = chunk.map(
      (row) => `(${[row.run, row.measure, row.epoch].map((term) => termToNTriples(term as Term)).join(' ')})`,
    );
    const found = await store.select(VALUES_AT(`VALUES (?run ?measure ?epoch) { ${table.join(' ')} }`), {
      unionDefaultGraph: true,
    });
    out.rows.push(...found.rows);
  }
  return out;
}
const LATEST_MARKED = (values: string) =>
  `SELECT DISTINCT ?evaluation ?run WHERE { ${values} GRAPH ${STATE_GRAPH} { ?evaluation ${LATEST_OF} ?run } }`;

/** Runs a subject of the batch can belong to: a value's generating activity and that activity's parent. */
const RUNS_OF = (values: string) => `${PREFIXES}SELECT DISTINCT ?run WHERE {
  ${values}
  { ?s prov:wasGeneratedBy ?run } UNION { ?s prov:wasInformedBy ?run }
  UNION { ?s prov:wasGeneratedBy ?activity . ?activity prov:wasInformedBy ?run }
}`;

interface Pending {
  rebuild: boolean;
  activities: Set<string>;
  touched: Set<string>;
  done: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

interface Refresher {
  pending: Pending | undefined;
  running: boolean;
}

const refreshers = new WeakMap<ProvStore, Refresher>();

/**
 * Brings the online state up to date with `quads` just written (or, without quads, rebuilds it from every fact:
 * after a bulk load or an import, or to repair); resolves once a refresh covering them has been written.
 * Refreshes of one store run one at a time; the batches that arrive during a refresh are covered together by the
 * next one (as a log group-commits), so concurrent writers share its queries and its one durable write.
 */
export function refreshOnlineState(store: ProvStore, quads?: QuadData[]): Promise<void> {
  let refresher = refreshers.get(store);
  if (!refresher) {
    refresher = { pending: undefined, running: false };
    refreshers.set(store, refresher);
  }
  const pending = refresher.pending ?? {
    rebuild: false,
    activities: new Set<string>(),
    touched: new Set<string>(),
    done: [],
  };
  refresher.pending = pending;
  if (!quads) pending.rebuild = true;
  else {
    for (const iri of subjectsWith(quads, ACTIVITY_FACTS)) pending.activities.add(iri);
    for (const iri of subjectsWith(quads, RUN_FACTS)) pending.touched.add(iri);
  }
  const covered = new Promise<void>((resolve, reject) => pending.done.push({ resolve, reject }));
  if (!refresher.running) void drain(store, refresher);
  return covered;
}

async function drain(store: ProvStore, refresher: Refresher): Promise<void> {
  refresher.running = true;
  for (let round = refresher.pending; round; round = refresher.pending) {
    refresher.pending = undefined;
    try {
      await refresh(store, round);
      for (const waiter of round.done) waiter.resolve();
    } catch (error) {
      for (const waiter of round.done) waiter.reject(error);
    }
  }
  refresher.running = false;
}

async function refresh(store: ProvStore, round: Pending): Promise<void> {
  const changes: Changes = { add: [], drop: [] };
  // `keys` undefined: every key (a rebuild).
  const running = (keys?: string[]) =>
    reconcile(store, runningNow, RUNNING_MARKED, ['activity'], STATE_RUNNING, keys, changes);
  const latest = (keys?: string[]) =>
    reconcile(store, latestNow, LATEST_MARKED, ['evaluation', 'run'], STATE_LATEST_OF, keys, changes);
  if (round.rebuild) {
    await running();
    await latest();
  } else {
    if (round.activities.size > 0) await running([...round.activities]);
    if (round.touched.size > 0) {
      const touched = [...round.touched];
      const runs = new Set(touched);
      for (const chunk of chunks(touched)) {
        const result = await store.select(RUNS_OF(valuesOf('s', chunk)), { unionDefaultGraph: true });
        for (const row of result.rows) if (row.run?.termType === 'NamedNode') runs.add(row.run.value);
      }
      await latest([...runs]);
    }
  }
  if (changes.add.length > 0 || changes.drop.length > 0) await store.update(deleteInsert(changes));
}

interface Changes {
  add: Array<[NamedNodeTerm, string, NamedNodeTerm]>;
  drop: Array<[NamedNodeTerm, string, NamedNodeTerm]>;
}

/** Collects the changes that make the markers of `keys` (all keys when undefined) what the facts say. */
async function reconcile(
  store: ProvStore,
  now: (store: ProvStore, values: string) => Promise<SelectResult>,
  marked: (values: string) => string,
  columns: ['activity'] | ['evaluation', 'run'],
  predicate: string,
  keys: string[] | undefined,
  changes: Changes,
): Promise<void> {
  const keyColumn = columns.length === 1 ? 'activity' : 'run';
  for (const chunk of keys ? chunks(keys) : [undefined]) {
    const values = chunk ? valuesOf(keyColumn, chunk) : '';
    const [current, stored] = await Promise.all([
      now(store, values),
      store.select(marked(values), { unionDefaultGraph: true }),
    ]);
    const wanted = markerMap(current.rows, columns);
    const existing = markerMap(stored.rows, columns);
    for (const [key, [s, o]] of wanted) if (!existing.has(key)) changes.add.push([s, predicate, o]);
    for (const [key, [s, o]] of existing) if (!wanted.has(key)) changes.drop.push([s, predicate, o]);
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

/**
 * One write for the whole refresh (one durable log record, one fsync), every term written by the one audited
 * serializer. The added and the removed markers are disjoint, so a reader never misses a still-valid marker.
 */
function deleteInsert(changes: Changes): string {
  const block = (markers: Changes['add']) =>
    `GRAPH ${STATE_GRAPH} {\n${markers.map(([s, p, o]) => `${iriToNTriples(s.value)} ${iriToNTriples(p)} ${iriToNTriples(o.value)} .`).join('\n')}\n}`;
  // Only non-empty templates: Virtuoso refuses an empty GRAPH block.
  if (changes.drop.length === 0) return `INSERT DATA { ${block(changes.add)} }`;
  if (changes.add.length === 0) return `DELETE DATA { ${block(changes.drop)} }`;
  return `DELETE { ${block(changes.drop)} }\nINSERT { ${block(changes.add)} }\nWHERE {}`;
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
