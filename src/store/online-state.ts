import { randomUUID } from 'node:crypto';
import { type NamedNodeTerm, type QuadData, type Term, XSD_STRING } from '../rdf/index.ts';
import {
  ONLINE_STATE_GRAPH,
  prov,
  provml,
  rdf,
  STATE_LATEST_OF,
  STATE_NOW,
  STATE_PENDING_BASE,
  STATE_PENDING_KEY,
  STATE_RUNNING,
  STATE_USER,
} from '../vocab.ts';
import type { ProvStore } from './api.ts';
import {
  type KeyedQuery,
  type OnlineStateQueries,
  prepareOnlineStateQueries,
} from './online-state-queries.ts';
import type { PreparedQuery } from './prepare/prepare.ts';
import type { QueryTemplate } from './prepare/template.ts';
import { selectRows } from './query-results.ts';

// Why state and not a query over history: "what is running" and "the latest value per measure" are the questions
// asked during training, and answering them from the facts is an anti-join (no end recorded) and a MAX over every
// value ever written: both grow with the store. Kept as marker triples in ONLINE_STATE_GRAPH, they cost the
// catalog a lookup of the few markers there are.
//
// Why here (after the write) and not in the translator: an event alone cannot tell whether its activity is still
// running (the end may have been ingested before the start) or whether its value is the latest (a higher epoch
// may be stored already, and which run a value belongs to can arrive later, with its section's start). So each
// marker is computed from the stored facts for the keys a batch touches, and facts only ever added (re-sending
// an event adds nothing) make the result the same whatever the order of the events and however often they are
// re-sent. Refreshes of one store run one at a time, each after its batch is written.
//
// What a refresh reads is bound to the batch's keys: an activity's own start, end and status; a run whose own
// facts (type, start, end) changed is recomputed (its values read once, when it starts and ends); a new value is
// compared with its run's markers for its measure (a higher index replaces them, the same index joins them), so a
// value costs a few lookups, not a MAX over its run's history. Removed facts (a replaced event) recompute every
// run they may have belonged to. Of the writes that are not capture, an insert or a load (Graph Store POST,
// import) is refreshed for the keys of the quads it added; the others (PUT, DELETE, SPARQL UPDATE) rebuild.
//
// Beside a running marker, the users of its activity (`state:user`: the names of the persons associated with it,
// in any graph), so that running-tasks need not look a person up over every graph that repeats it. They are
// recomputed for the activities whose running may change or whose association arrived, and for the running
// activities associated with an agent whose type or name arrived (in any batch or graph), so they too are the
// same whatever the order of arrival.
//
// Why a refresh may run after its write is acknowledged: the facts are durable at the acknowledgement, and the
// state is derived from them. Two things keep that honest. A write that is refreshed later carries, in the same
// store write as its facts, pending markers naming its keys (pendingMarkers); the round that refreshes those keys
// removes the markers in its one write, and a round that finds markers it was not told of (after a start, after a
// failed round) refreshes what they name first. So a crash between the two writes loses no refresh. And readers
// that read the state wait for the refreshes asked for before them (onlineStateSettled): the event ledger's
// stores do, so reads issued after an acknowledged batch see its state.

const NOW: NamedNodeTerm = { termType: 'NamedNode', value: STATE_NOW };
const RUNNING: NamedNodeTerm = { termType: 'NamedNode', value: STATE_RUNNING };
const LATEST_OF: NamedNodeTerm = { termType: 'NamedNode', value: STATE_LATEST_OF };
const USER: NamedNodeTerm = { termType: 'NamedNode', value: STATE_USER };
const PENDING_KEY: NamedNodeTerm = { termType: 'NamedNode', value: STATE_PENDING_KEY };
const STATE_GRAPH: NamedNodeTerm = { termType: 'NamedNode', value: ONLINE_STATE_GRAPH };
/** Keys per VALUES block: bounds the text of one query. */
const CHUNK = 400;
const UNION = { unionDefaultGraph: true };

/** Facts that decide whether an activity is running. */
const ACTIVITY_FACTS = new Set([prov('startedAtTime'), prov('endedAtTime'), provml('hasStatus')]);
/** A run's own facts that decide whether its values count: recompute the run. */
const RUN_FACTS = new Set([prov('startedAtTime'), prov('endedAtTime')]);
const LEARNING_STAGE = provml('LearningStage');
const RDF_TYPE = rdf('type');
/** A value's own facts that decide its candidacy (and its type, MODEL_EVALUATION). */
const VALUE_FACTS = new Set([
  prov('wasGeneratedBy'),
  prov('value'),
  provml('hasMeasure'),
  provml('sectionIndex'),
  provml('attributeName'),
]);
// Only this type: every subject of a batch has a type, and each would be a key of the candidates' lookup.
const MODEL_EVALUATION = provml('ModelEvaluation');
const SECTION_LINK = prov('wasInformedBy');
/** An activity's own fact that decides its users. */
const ASSOCIATION = prov('wasAssociatedWith');
const PERSON = prov('Person');
/** An agent's name: it decides the users of the running activities associated with it. */
const AGENT_NAME = provml('name');
/** Removed facts that relate a value to a run; their objects may be the run (or section) that lost it. */
const LINKS = new Set([prov('wasGeneratedBy'), prov('wasInformedBy')]);

/** What a write changed: added quads only, or added and removed (a replacement). */
export type OnlineStateChange = QuadData[] | { added: QuadData[]; removed: QuadData[] };

interface Pending {
  rebuild: boolean;
  /** Read the store's pending markers first and refresh what they name too. */
  recover: boolean;
  activities: Set<string>;
  /** Runs recomputed from their facts. */
  runs: Set<string>;
  /** Subjects whose runs are found in the store and recomputed (what removed facts touched). */
  runsOf: Set<string>;
  values: Set<string>;
  sections: Set<string>;
  /** Activities whose users are recomputed (beside `activities`, whose running may change). */
  users: Set<string>;
  /** Agents whose type or name changed: the users of their running activities are recomputed. */
  agents: Set<string>;
  /** Pending markers of the writes this round covers: removed by its write. */
  markers: Map<string, Triple>;
  done: Array<{ resolve: () => void; reject: (error: unknown) => void }>;
}

interface Refresher {
  queries: OnlineStateQueries;
  pending: Pending | undefined;
  running: boolean;
  /** Settles once the last refresh asked for is written or has failed; never rejects. */
  last: Promise<void>;
  /** The next round reads the pending markers first: nothing read them since the store was opened, or a round failed. */
  recover: boolean;
}

const refreshers = new WeakMap<ProvStore, Refresher>();

function refresherOf(store: ProvStore): Refresher {
  let refresher = refreshers.get(store);
  if (!refresher) {
    refresher = {
      queries: prepareOnlineStateQueries(),
      pending: undefined,
      running: false,
      last: Promise.resolve(),
      recover: true,
    };
    refreshers.set(store, refresher);
  }
  return refresher;
}

/**
 * Brings the online state up to date with a write just made (or, without `change`, rebuilds it from every fact:
 * after a bulk load or an import, or to repair); resolves once a refresh covering it has been written. `markers`:
 * the pending markers (pendingMarkers) the write carried, removed by that refresh.
 * Refreshes of one store run one at a time; the writes that arrive during a refresh are covered together by the
 * next one (as a log group-commits), so concurrent writers share its queries and its one durable write.
 */
export function refreshOnlineState(
  store: ProvStore,
  change?: OnlineStateChange,
  markers: readonly QuadData[] = [],
): Promise<void> {
  const refresher = refresherOf(store);
  const pending = refresher.pending ?? newPending();
  refresher.pending = pending;
  if (refresher.recover) {
    pending.recover = true;
    refresher.recover = false;
  }
  if (!change) pending.rebuild = true;
  else {
    const { added, removed } = Array.isArray(change) ? { added: change, removed: [] } : change;
    noteAdded(pending, added);
    noteRemoved(pending, removed);
  }
  for (const marker of markers) {
    const triple = asTriple(marker);
    if (triple) pending.markers.set(tripleKey(triple), triple);
  }
  const covered = new Promise<void>((resolve, reject) => pending.done.push({ resolve, reject }));
  refresher.last = covered.then(
    () => undefined,
    () => undefined,
  );
  if (!refresher.running) void drain(store, refresher);
  return covered;
}

/**
 * Resolves once every refresh asked for before the call is written, so a read made then sees the state of every
 * acknowledged write; when a round failed (or since the store was opened) it first refreshes what the store's
 * pending markers name, and rejects if that fails.
 */
export async function onlineStateSettled(store: ProvStore): Promise<void> {
  const refresher = refresherOf(store);
  await refresher.last;
  if (refresher.recover) await refreshOnlineState(store, []);
}

/** Keys waiting for the next refresh round of this store (for back-pressure). */
export function onlineStateBacklog(store: ProvStore): number {
  const pending = refreshers.get(store)?.pending;
  if (!pending) return 0;
  return (
    pending.activities.size +
    pending.runs.size +
    pending.runsOf.size +
    pending.values.size +
    pending.users.size +
    pending.agents.size
  );
}

/**
 * The pending markers of a write that adds (and removes) `change`, to be written with it, in the same store
 * write: one `pending-<uuid> state:pendingKey key` per key a refresh would read. None when no key is touched.
 */
export function pendingMarkers(change: OnlineStateChange): QuadData[] {
  const keys = newPending();
  const { added, removed } = Array.isArray(change) ? { added: change, removed: [] } : change;
  noteAdded(keys, added);
  noteRemoved(keys, removed);
  const all = new Set([
    ...keys.activities,
    ...keys.runs,
    ...keys.runsOf,
    ...keys.values,
    ...keys.sections,
    ...keys.users,
    ...keys.agents,
  ]);
  if (all.size === 0) return [];
  const marker: NamedNodeTerm = { termType: 'NamedNode', value: `${STATE_PENDING_BASE}${randomUUID()}` };
  return [...all].map((value) => ({
    subject: marker,
    predicate: PENDING_KEY,
    object: { termType: 'NamedNode', value },
    graph: STATE_GRAPH,
  }));
}

function newPending(): Pending {
  return {
    rebuild: false,
    recover: false,
    activities: new Set(),
    runs: new Set(),
    runsOf: new Set(),
    values: new Set(),
    sections: new Set(),
    users: new Set(),
    agents: new Set(),
    markers: new Map(),
    done: [],
  };
}

/** A key named by a pending marker: which facts it was noted for is not recorded, so it is refreshed for all. */
function notePendingKey(pending: Pending, key: string): void {
  for (const keys of [
    pending.activities,
    pending.runs,
    pending.runsOf,
    pending.values,
    pending.sections,
    pending.users,
    pending.agents,
  ])
    keys.add(key);
}

function asTriple(quad: QuadData): Triple | undefined {
  const { subject, predicate, object } = quad;
  if (subject.termType !== 'NamedNode' || predicate.termType !== 'NamedNode') return undefined;
  return [subject, predicate, object];
}

function noteAdded(pending: Pending, quads: QuadData[]): void {
  for (const { subject, predicate, object } of quads) {
    if (subject.termType !== 'NamedNode') continue;
    const p = predicate.value;
    if (ACTIVITY_FACTS.has(p)) pending.activities.add(subject.value);
    if (RUN_FACTS.has(p) || (p === RDF_TYPE && object.value === LEARNING_STAGE))
      pending.runs.add(subject.value);
    if (VALUE_FACTS.has(p) || (p === RDF_TYPE && object.value === MODEL_EVALUATION))
      pending.values.add(subject.value);
    if (p === SECTION_LINK) pending.sections.add(subject.value);
    noteUserFacts(pending, p, object, subject.value);
  }
}

function noteRemoved(pending: Pending, quads: QuadData[]): void {
  for (const { subject, predicate, object } of quads) {
    if (subject.termType !== 'NamedNode') continue;
    const p = predicate.value;
    if (ACTIVITY_FACTS.has(p)) pending.activities.add(subject.value);
    noteUserFacts(pending, p, object, subject.value);
    pending.runs.add(subject.value);
    pending.runsOf.add(subject.value);
    if (LINKS.has(p) && object.termType === 'NamedNode') {
      pending.runs.add(object.value);
      pending.runsOf.add(object.value);
    }
  }
}

function noteUserFacts(pending: Pending, p: string, object: Term, subject: string): void {
  if (p === ASSOCIATION) pending.users.add(subject);
  if (p === AGENT_NAME || (p === RDF_TYPE && object.value === PERSON)) pending.agents.add(subject);
}

async function drain(store: ProvStore, refresher: Refresher): Promise<void> {
  refresher.running = true;
  for (let round = refresher.pending; round; round = refresher.pending) {
    refresher.pending = undefined;
    try {
      await new Round(store, refresher.queries).run(round);
      for (const waiter of round.done) waiter.resolve();
    } catch (error) {
      // Its markers stay in the store: the next round asked for reads them and refreshes what they name.
      refresher.recover = true;
      for (const waiter of round.done) waiter.reject(error);
    }
  }
  refresher.running = false;
}

/** A state triple: IRIs, but for a user's name (a literal). */
type Triple = [NamedNodeTerm, NamedNodeTerm, Term];
type Row = Record<string, Term>;

/** One refresh: reads bound to the round's keys, then one write of the markers that change. */
class Round {
  private readonly add = new Map<string, Triple>();
  private readonly drop = new Map<string, Triple>();
  /** The pending markers this round covers: removed last, once every state change is written. */
  private readonly settled = new Map<string, Triple>();

  constructor(
    private readonly store: ProvStore,
    private readonly queries: OnlineStateQueries,
  ) {}

  async run(round: Pending): Promise<void> {
    const q = this.queries;
    const running = {
      now: q.runningNow,
      marked: q.runningMarked,
      wanted: runningMarkers,
      stored: runningMarkers,
    };
    const latest = {
      now: q.latestEpochs,
      marked: q.latestMarked,
      wanted: this.latestAt,
      stored: latestMarkers,
    };
    if (round.recover)
      for (const { marker, key } of (await selectRows(this.store, q.pending, UNION)).rows) {
        if (marker?.termType !== 'NamedNode' || key?.termType !== 'NamedNode') continue;
        notePendingKey(round, key.value);
        this.mark(this.settled, [marker, PENDING_KEY, key]);
      }
    for (const triple of round.markers.values()) this.mark(this.settled, triple);
    const users = {
      now: q.usersNow,
      marked: q.usersMarked,
      wanted: userMarkers,
      stored: userMarkers,
    };
    if (round.rebuild) {
      await this.reconcile(running, undefined);
      await this.reconcile(users, undefined);
      await this.reconcile(latest, undefined);
    } else {
      if (round.activities.size > 0) await this.reconcile(running, [...round.activities]);
      const userKeys = new Set([...round.activities, ...round.users]);
      for (const row of await this.selectKeyed(q.runningOfAgents, [...round.agents]))
        addIri(userKeys, row.activity);
      if (userKeys.size > 0) await this.reconcile(users, [...userKeys]);
      const runs = new Set(round.runs);
      for (const row of await this.selectKeyed(q.runsOf, [...round.runsOf])) addIri(runs, row.run);
      if (runs.size > 0) await this.reconcile(latest, [...runs]);
      const values = new Set(round.values);
      for (const row of await this.selectKeyed(q.sectionValues, [...round.sections]))
        addIri(values, row.evaluation);
      if (values.size > 0) await this.compareValues([...values], runs);
    }
    await this.write();
  }

  /** Makes the markers of `keys` (every key when undefined) what the facts say. */
  private async reconcile(kind: Kind, keys: string[] | undefined): Promise<void> {
    const pairs: Array<[PreparedQuery, PreparedQuery]> = keys
      ? chunks(keys).map((chunk) => [bindKeys(kind.now.keyed, chunk), bindKeys(kind.marked.keyed, chunk)])
      : [[kind.now.all, kind.marked.all]];
    for (const [now, marked] of pairs) {
      const [wanted, existing] = await Promise.all([
        selectRows(this.store, now, UNION).then((result) => kind.wanted(result.rows)),
        selectRows(this.store, marked, UNION).then((result) => kind.stored(result.rows)),
      ]);
      const wantedKeys = new Set(wanted.map(tripleKey));
      const existingKeys = new Set(existing.map(tripleKey));
      for (const triple of wanted) if (!existingKeys.has(tripleKey(triple))) this.mark(this.add, triple);
      for (const triple of existing) if (!wantedKeys.has(tripleKey(triple))) this.mark(this.drop, triple);
    }
  }

  /** The values at the latest epochs found (per run and measure): the markers latest-metric-running reads. */
  private latestAt = async (epochs: Row[]): Promise<Triple[]> => {
    const rows = epochs.filter((row) => row.run && row.measure && row.epoch);
    const out: Triple[] = [];
    for (const chunk of chunks(rows)) {
      const table = chunk.map((row) => [row.run, row.measure, row.epoch] as Term[]);
      const found = await selectRows(this.store, this.queries.valuesAt.bind(table), UNION);
      out.push(...latestMarkers(found.rows));
    }
    return out;
  };

  /**
   * New values of runs not recomputed: each compared with its run's markers for its measure. A higher index than
   * the markers' replaces them, the same index joins them, a lower one changes nothing.
   */
  private async compareValues(values: string[], recomputed: Set<string>): Promise<void> {
    const candidates = new Map<string, Latest>();
    for (const row of await this.selectKeyed(this.queries.candidates, values))
      if (row.run?.termType === 'NamedNode' && !recomputed.has(row.run.value)) collect(candidates, row);
    if (candidates.size === 0) return;
    const runs = [...new Set([...candidates.values()].map((latest) => latest.run.value))];
    const marked = new Map<string, Latest>();
    for (const row of await this.selectKeyed(this.queries.markersOfRuns, runs)) collect(marked, row);
    for (const [key, candidate] of candidates) {
      const current = marked.get(key);
      if (current && candidate.epoch < current.epoch) continue;
      if (current && candidate.epoch > current.epoch)
        for (const evaluation of current.evaluations)
          this.mark(this.drop, [evaluation, LATEST_OF, current.run]);
      const known = new Set(
        current && candidate.epoch === current.epoch ? current.evaluations.map((e) => e.value) : [],
      );
      for (const evaluation of candidate.evaluations)
        if (!known.has(evaluation.value)) this.mark(this.add, [evaluation, LATEST_OF, candidate.run]);
    }
  }

  private mark(into: Map<string, Triple>, triple: Triple): void {
    into.set(tripleKey(triple), triple);
  }

  /**
   * One write for the whole refresh (one durable log record, one fsync) when the store takes it in one update;
   * added and removed are disjoint. On an engine that limits an update's size (store.maxUpdateTriples: Virtuoso's
   * SPARQL compiler runs out of memory near 5,000 triples, which a round covering many concurrent batches reaches)
   * a larger one goes in pieces, the pending markers' removal last: a crash between two of them leaves those
   * markers, and the round that reads them refreshes their keys again from the facts.
   */
  private async write(): Promise<void> {
    const add = [...this.add.values()];
    const drop = [...this.drop.values()];
    const settled = [...this.settled.values()];
    const limit = this.store.maxUpdateTriples ?? Number.POSITIVE_INFINITY;
    if (add.length + drop.length + settled.length <= limit) {
      await this.update([...drop, ...settled], add);
      return;
    }
    for (const chunk of chunks(drop, limit)) await this.update(chunk, []);
    for (const chunk of chunks(add, limit)) await this.update([], chunk);
    for (const chunk of chunks(settled, limit)) await this.update(chunk, []);
  }

  private async update(drop: Triple[], add: Triple[]): Promise<void> {
    const q = this.queries;
    if (add.length === 0 && drop.length === 0) return;
    if (drop.length === 0) await this.store.update(q.insert.bind(add));
    else if (add.length === 0) await this.store.update(q.delete.bind(drop));
    else await this.store.update(q.deleteInsert.bind(drop, add));
  }

  /** The chunks are asked at once: a store's reads wait behind its pending writes, so one wait covers all. */
  private async selectKeyed(template: QueryTemplate, keys: string[]): Promise<Row[]> {
    const results = await Promise.all(
      chunks(keys).map((chunk) => selectRows(this.store, bindKeys(template, chunk), UNION)),
    );
    return results.flatMap((result) => result.rows);
  }
}

interface Kind {
  now: KeyedQuery;
  marked: KeyedQuery;
  wanted: (rows: Row[]) => Triple[] | Promise<Triple[]>;
  stored: (rows: Row[]) => Triple[];
}

/** The values at one run's highest index for one measure. */
interface Latest {
  run: NamedNodeTerm;
  epoch: number;
  evaluations: NamedNodeTerm[];
}

function collect(into: Map<string, Latest>, row: Row): void {
  const { evaluation, run, measure, epoch } = row;
  if (evaluation?.termType !== 'NamedNode' || run?.termType !== 'NamedNode' || !measure || !epoch) return;
  const index = Number(epoch.value);
  if (!Number.isFinite(index)) return;
  const key = `${run.value} ${JSON.stringify(measure.value)}`;
  const latest = into.get(key);
  if (!latest || index > latest.epoch) into.set(key, { run, epoch: index, evaluations: [evaluation] });
  else if (index === latest.epoch && !latest.evaluations.some((e) => e.value === evaluation.value))
    latest.evaluations.push(evaluation);
}

function runningMarkers(rows: Row[]): Triple[] {
  const out: Triple[] = [];
  for (const { activity } of rows) if (activity?.termType === 'NamedNode') out.push([activity, RUNNING, NOW]);
  return out;
}

function userMarkers(rows: Row[]): Triple[] {
  const out: Triple[] = [];
  for (const { activity, user } of rows)
    if (activity?.termType === 'NamedNode' && user?.termType === 'Literal') out.push([activity, USER, user]);
  return out;
}

function latestMarkers(rows: Row[]): Triple[] {
  const out: Triple[] = [];
  for (const { evaluation, run } of rows)
    if (evaluation?.termType === 'NamedNode' && run?.termType === 'NamedNode')
      out.push([evaluation, LATEST_OF, run]);
  return out;
}

/** Terms equal in RDF 1.1 give one key: an engine may give back a simple literal typed xsd:string. */
function tripleKey([s, p, o]: Triple): string {
  if (o.termType !== 'Literal') return `${s.value} ${p.value} <${o.value}>`;
  const datatype = o.datatype?.value ?? XSD_STRING;
  const tag = o.language ? `@${o.language.toLowerCase()}` : `^^${datatype}`;
  return `${s.value} ${p.value} ${JSON.stringify(o.value)}${tag}`;
}

function addIri(into: Set<string>, term: Term | undefined): void {
  if (term?.termType === 'NamedNode') into.add(term.value);
}

function bindKeys(template: QueryTemplate, iris: string[]): PreparedQuery {
  return template.bind(iris.map((value) => [{ termType: 'NamedNode', value }]));
}

function chunks<T>(items: T[], size = CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
