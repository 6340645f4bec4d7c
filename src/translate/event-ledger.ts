import AsyncLock from 'async-lock';
import {
  type CaptureEvent,
  type ContentDifference,
  type EventKey,
  eventContent,
  eventKeyOf,
  firstDifference,
} from '../capture/index.ts';
import { type QuadData, quadToNQuads, termToNTriples } from '../rdf/index.ts';
import {
  type OnlineStateChange,
  onlineStateBacklog,
  onlineStateSettled,
  type ProvStore,
  pendingMarkers,
  refreshOnlineState,
  type WriteReceipt,
} from '../store/index.ts';
import { CoalescedReads } from './coalesced-reads.ts';
import {
  countExecutionRecords,
  eventRecordQuad,
  readEventRecords,
  readExecutionRecords,
} from './event-record.ts';
import { reportingWrites } from './foreign-writes.ts';
import { eventRecordIri, workflowExecutionGraph } from './iris.ts';
import { contentDigest, KnownEvents } from './known-events.ts';
import { translate, translateEvent } from './translate.ts';

/** What to do when an event id was recorded before with different content. */
export type OnConflict = 'refuse' | 'replace';
export const ON_CONFLICT: readonly OnConflict[] = ['refuse', 'replace'];

/** An event whose id was already recorded (or sent earlier in the same batch) with different content. */
export interface EventConflict {
  /** Index in the batch (Flowcept: of the message it was mapped from, when the caller maps it back). */
  index: number;
  id: string;
  workflowExecutionId: string;
  /** JSON pointer, inside the event, of the first field that differs. */
  path: string;
  message: string;
}

export type LedgerOutcome =
  | {
      ok: true;
      /** Events written for the first time, events replaced, events already recorded as sent. */
      recorded: number;
      replaced: number;
      unchanged: number;
      /** Quads written (event records included) and quads removed by replacements. */
      triples: number;
      removed: number;
      /** The store write's receipt; absent when nothing had to be written. */
      receipt?: WriteReceipt;
      /** The quads written and removed: what the online state is refreshed for. */
      touched: OnlineStateChange;
      /** The pending markers written with them (online-state.ts), removed by that refresh. */
      markers: QuadData[];
    }
  | { ok: false; conflicts: EventConflict[] };

interface Sent {
  index: number;
  event: CaptureEvent;
  content: string;
  digest: string;
  record: string;
  graph: string;
}

/**
 * Quads per DELETE DATA request of a replacement on a store that declares no update limit (store.maxUpdateTriples:
 * a remote engine parses a few thousand at most, and its store says how many): pieces of the same size as there.
 */
const DELETE_CHUNK = 1_000;
/**
 * Keys waiting for the online-state refresh beyond which a batch is acknowledged only once its refresh is written:
 * the refresh keeps up by covering more keys per round, and this bounds the memory and the wait of a reader when
 * it does not.
 */
const MAX_REFRESH_BACKLOG = 20_000;

/**
 * Writes capture events idempotently: an event id (within its workflow execution) names one event; sending it
 * again with the same content changes nothing, with different content it is refused (409, like an idempotency
 * key reused for another payment) unless replacement is asked for, which removes what the old version wrote.
 *
 * The check and the write happen under a lock per workflow-execution graph held by this process, so two
 * concurrent posts of conflicting versions of one id cannot both pass: the second sees what the first wrote.
 * The check uses what this process knows of a graph's records (KnownEvents: read from the store once per graph,
 * then kept by the ledger's own writes, forgotten on any other write through reportingStore()), so new events
 * are checked without a store read and do not wait for earlier writes to reach the engine; only ids recorded
 * before with content not known to be the same are read back. The lock and that knowledge are per process: the
 * embedded store allows one process per data directory; a remote engine shared by several provml servers would
 * need them to agree on who writes an execution. One ledger per store; every other writer uses reportingStore().
 *
 * A batch is acknowledged once its facts are durable; the online state is refreshed for it after (online-state.ts:
 * the batch carries pending markers, so a crash in between loses no refresh), and reads through reportingStore()
 * wait for the refreshes of the batches acknowledged before them, so they see what those batches say.
 */
export class EventLedger {
  readonly #lock = new AsyncLock({ maxPending: Number.POSITIVE_INFINITY });
  readonly #known: KnownEvents;
  /** Records per execution graph, read for many new graphs at once (a graph with none needs no further read). */
  readonly #recordCounts: CoalescedReads<number>;

  /** `knownRecords`: how many event records this process keeps in memory at most (their graphs' ids). */
  constructor(
    private readonly store: ProvStore,
    knownRecords?: number,
  ) {
    this.#known = new KnownEvents(knownRecords);
    this.#recordCounts = new CoalescedReads((graphs) => countExecutionRecords(this.store, graphs));
  }

  /**
   * The store for every other writer: its writes make the ledger forget what they may have changed, and bring
   * the online state up to date (for the keys of what an insert or a load added; else by a rebuild, as they may
   * add or remove any fact).
   */
  reportingStore(): ProvStore {
    return reportingWrites(
      this.store,
      (graphs) => this.#known.forget(graphs),
      (change) => refreshOnlineState(this.store, change),
      () => this.settled(),
    );
  }

  /** Resolves once the online state covers every batch recorded so far (what reads through reportingStore() wait for). */
  settled(): Promise<void> {
    return onlineStateSettled(this.store);
  }

  /** All or nothing: any conflict refuses the whole batch and writes nothing. */
  async record(events: readonly CaptureEvent[], onConflict: OnConflict = 'refuse'): Promise<LedgerOutcome> {
    const batch = distinctEvents(events);
    if (!batch.ok) return batch;
    const graphs = [...new Set(batch.sent.map((s) => s.graph))];
    graphs.sort();
    if (graphs.length === 0)
      return {
        ok: true,
        recorded: 0,
        replaced: 0,
        unchanged: 0,
        triples: 0,
        removed: 0,
        touched: [],
        markers: [],
      };
    const outcome = await this.#lock.acquire(graphs, async () => {
      try {
        return await this.#recordLocked(batch.sent, onConflict);
      } catch (error) {
        // The write may or may not have happened: what this process knew of these graphs is no longer sure.
        this.#known.forget(graphs);
        throw error;
      }
    });
    // After the acknowledgement is allowed (the facts and their pending markers are durable): concurrent batches
    // share a round. On the store itself: the state markers are not a write the ledger must hear of. A failed
    // round leaves its pending markers, which the next refresh or read asked for redoes.
    if (outcome.ok && outcome.markers.length > 0) {
      const refreshed = refreshOnlineState(this.store, outcome.touched, outcome.markers).catch(
        () => undefined, // the batch is durable either way, and its markers name what is owed
      );
      if (onlineStateBacklog(this.store) > MAX_REFRESH_BACKLOG) await refreshed;
    }
    return outcome;
  }

  async #recordLocked(sent: Sent[], onConflict: OnConflict): Promise<LedgerOutcome> {
    await this.#learnGraphs(sent);
    const fresh: Sent[] = [];
    const uncertain: Sent[] = [];
    let unchanged = 0;
    for (const s of sent) {
      // A graph evicted while the others of the batch were read is not known completely: ask the store.
      const known = this.#known.holds(s.graph) ? this.#known.digestOf(s.graph, s.record) : null;
      if (known === undefined) fresh.push(s);
      else if (known === s.digest) unchanged++;
      else uncertain.push(s);
    }
    // Ids recorded before whose content is not known to be the same: only these are read back from the store.
    const stored =
      uncertain.length > 0
        ? await readEventRecords(
            this.store,
            uncertain.map((s) => eventKeyOf(s.event)),
          )
        : new Map<string, string>();
    const replacing: Array<Sent & { old: string }> = [];
    const conflicts: EventConflict[] = [];
    for (const s of uncertain) {
      const old = stored.get(s.record);
      if (old === undefined) fresh.push(s);
      else if (sameEvent(old, s.content)) {
        unchanged++;
        this.#known.set(s.graph, s.record, contentDigest(old));
      } else if (onConflict === 'replace') replacing.push({ ...s, old });
      else conflicts.push(conflictWithRecord(s, old));
    }
    if (conflicts.length > 0) return { ok: false, conflicts };
    const toWrite = [...fresh, ...replacing];
    if (toWrite.length === 0)
      return {
        ok: true,
        recorded: 0,
        replaced: 0,
        unchanged,
        triples: 0,
        removed: 0,
        touched: [],
        markers: [],
      };
    const quads = translate(toWrite.map((s) => s.event));
    for (const s of toWrite) quads.push(eventRecordQuad(s.event, s.content));
    const removed = replacing.length > 0 ? await this.#removedByReplacing(replacing, quads) : [];
    const touched: OnlineStateChange = removed.length > 0 ? { added: quads, removed } : quads;
    const markers = pendingMarkers(touched);
    // The markers are written with the facts, or for a replacement before the removal: whatever a crash
    // interrupts, what the state was not refreshed for is named in the store.
    if (removed.length > 0 && markers.length > 0) await this.store.insert(markers);
    // Removal first: interrupted in between, the event is absent (a retry records it), never doubled.
    const chunk = this.store.maxUpdateTriples ?? DELETE_CHUNK;
    for (let i = 0; i < removed.length; i += chunk)
      await this.store.update(deleteData(removed.slice(i, i + chunk)));
    const receipt = await this.store.insert(removed.length > 0 ? quads : [...quads, ...markers]);
    for (const s of toWrite) this.#known.set(s.graph, s.record, s.digest);
    return {
      ok: true,
      recorded: fresh.length,
      replaced: replacing.length,
      unchanged,
      triples: quads.length,
      removed: removed.length,
      receipt,
      touched,
      markers,
    };
  }

  /** Reads which events the store holds for each graph of the batch this process does not hold yet. */
  async #learnGraphs(sent: Sent[]): Promise<void> {
    const executions = new Map<string, string>();
    for (const s of sent)
      if (!this.#known.holds(s.graph)) executions.set(s.graph, s.event.workflowExecutionId);
    const counts = await Promise.all([...executions.keys()].map((graph) => this.#recordCounts.get(graph)));
    let i = 0;
    for (const [graph, execution] of executions) {
      if (counts[i++] === 0) this.#known.load(graph, []);
      else
        this.#known.load(
          graph,
          (await readExecutionRecords(this.store, execution, { content: false })).keys(),
        );
    }
  }

  /**
   * The quads the old versions wrote that nothing else recorded in their execution says: not another recorded
   * event of the same graph (re-translated from its record), not the new versions.
   */
  async #removedByReplacing(
    replacing: Array<Sent & { old: string }>,
    written: QuadData[],
  ): Promise<QuadData[]> {
    const keep = new Set(written.map(quadToNQuads));
    const replacedRecords = new Set(replacing.map((r) => r.record));
    const executions = [...new Set(replacing.map((r) => r.event.workflowExecutionId))];
    for (const execution of executions) {
      for (const [record, content] of await readExecutionRecords(this.store, execution)) {
        if (replacedRecords.has(record)) continue;
        for (const quad of quadsOf(content)) keep.add(quadToNQuads(quad));
      }
    }
    const removed = new Map<string, QuadData>();
    for (const r of replacing) {
      const oldQuads = quadsOf(r.old);
      const oldEvent = parseEvent(r.old);
      if (oldEvent) oldQuads.push(eventRecordQuad(oldEvent, r.old));
      else oldQuads.push(eventRecordQuad(r.event, r.old));
      for (const quad of oldQuads) {
        const line = quadToNQuads(quad);
        if (!keep.has(line)) removed.set(line, quad);
      }
    }
    return [...removed.values()];
  }
}

/**
 * DELETE DATA for named-graph quads, every term written by the audited termToNTriples. One GRAPH block per
 * graph: Virtuoso 7.2 applies only the first of several blocks naming the same graph.
 */
function deleteData(quads: QuadData[]): string {
  const byGraph = new Map<string, string[]>();
  for (const q of quads) {
    const graph = termToNTriples(q.graph);
    const lines = byGraph.get(graph) ?? [];
    lines.push(`${termToNTriples(q.subject)} ${termToNTriples(q.predicate)} ${termToNTriples(q.object)} .`);
    byGraph.set(graph, lines);
  }
  const blocks = [...byGraph].map(([graph, lines]) => `GRAPH ${graph} {\n${lines.join('\n')}\n}`);
  return `DELETE DATA {\n${blocks.join('\n')}\n}`;
}

/** One ledger per store; give every other writer `ledger.reportingStore()` instead of the store itself. */
export function createEventLedger(store: ProvStore): EventLedger {
  return new EventLedger(store);
}

/** The batch without repeats of one event; the same id twice with different content is a conflict. */
function distinctEvents(
  events: readonly CaptureEvent[],
): { ok: true; sent: Sent[] } | { ok: false; conflicts: EventConflict[] } {
  const byRecord = new Map<string, Sent>();
  const conflicts: EventConflict[] = [];
  events.forEach((event, index) => {
    const content = eventContent(event);
    const record = eventRecordIri(event.workflowExecutionId, event.id);
    const earlier = byRecord.get(record);
    if (!earlier) {
      const graph = workflowExecutionGraph(event.workflowExecutionId);
      byRecord.set(record, { index, event, content, digest: contentDigest(content), record, graph });
      return;
    }
    if (sameEvent(earlier.content, content)) return;
    const difference = firstDifference(earlier.event, event);
    conflicts.push({
      ...keyFields(index, event),
      path: difference?.path ?? '',
      message: `event '${event.id}' of workflow execution '${event.workflowExecutionId}' is sent twice in this batch with different content (events ${earlier.index} and ${index}${describe(difference, ', differing at', ['first', 'then'])}`,
    });
  });
  return conflicts.length > 0 ? { ok: false, conflicts } : { ok: true, sent: [...byRecord.values()] };
}

function conflictWithRecord(s: Sent, old: string): EventConflict {
  const difference = firstDifference(parseJson(old), s.event);
  return {
    ...keyFields(s.index, s.event),
    path: difference?.path ?? '',
    message: `event '${s.event.id}' of workflow execution '${s.event.workflowExecutionId}' was already recorded with different content${describe(difference, ' (first difference at', ['recorded', 'sent'])}`,
  };
}

function keyFields(
  index: number,
  event: CaptureEvent,
): Pick<EventConflict, 'index' | 'id' | 'workflowExecutionId'> {
  const key: EventKey = eventKeyOf(event);
  return { index, id: key.id, workflowExecutionId: key.workflowExecutionId };
}

/** ", differing at /value: 0.5 first, 0.6 then)", closing the parenthesis the caller opened. */
function describe(
  difference: ContentDifference | undefined,
  lead: string,
  [before, after]: [string, string],
): string {
  if (!difference) return lead.startsWith(' (') ? '' : ')';
  const show = (value: unknown): string => {
    if (value === undefined) return 'absent';
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  };
  const where = difference.path || 'the top level';
  return `${lead} ${where}: ${show(difference.recorded)} ${before}, ${show(difference.sent)} ${after})`;
}

/**
 * Same content, or content that states exactly the same quads (e.g. one time written "…T10:00:00Z", the other
 * "…T10:00:00.000Z"): a re-serialization never counts as a different event.
 */
function sameEvent(recorded: string, sent: string): boolean {
  if (recorded === sent) return true;
  const a = quadsOf(recorded);
  const b = quadsOf(sent);
  if (a.length === 0 || b.length === 0) return false;
  const lines = new Set(a.map(quadToNQuads));
  const other = new Set(b.map(quadToNQuads));
  return lines.size === other.size && [...other].every((line) => lines.has(line));
}

/** The quads an event recorded as this JSON writes; none when the record is not an event (damaged, imported). */
function quadsOf(content: string): QuadData[] {
  const event = parseEvent(content);
  if (!event) return [];
  try {
    return translateEvent(event);
  } catch {
    return [];
  }
}

function parseEvent(content: string): CaptureEvent | undefined {
  const value = parseJson(content);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const event = value as CaptureEvent;
  return typeof event.id === 'string' && typeof event.workflowExecutionId === 'string' ? event : undefined;
}

function parseJson(content: string): unknown {
  try {
    return JSON.parse(content);
  } catch {
    return undefined;
  }
}
