import * as crypto from 'node:crypto';

/** A short fingerprint of an event's canonical JSON, for the in-process view of recorded events. */
export const contentDigest: (content: string) => string =
  // One-shot where Node has it (20.12, 21.7 on; engines allows any 20): no Hash object per event, same digest.
  typeof crypto.hash === 'function'
    ? (content) => crypto.hash('sha256', content, 'base64')
    : (content) => crypto.createHash('sha256').update(content).digest('base64');

/**
 * What this process knows about the events recorded in some workflow-execution graphs: for a graph it holds,
 * the complete set of its event records (read once from the store, then kept up to date by the ledger's own
 * writes), each with the digest of its content when known. It lets a batch of new events be checked without a
 * store read, so event writes need not wait for earlier writes to reach the engine. Graphs are evicted least
 * recently used beyond `maxEntries` records, and forgotten on any other write that may touch them.
 */
export class KnownEvents {
  readonly #graphs = new Map<string, Map<string, string | null>>();
  #entries = 0;

  constructor(private readonly maxEntries = 200_000) {}

  holds(graph: string): boolean {
    const records = this.#graphs.get(graph);
    if (!records) return false;
    this.#graphs.delete(graph);
    this.#graphs.set(graph, records);
    return true;
  }

  /** undefined: not recorded; null: recorded, content digest unknown here; else the digest. */
  digestOf(graph: string, record: string): string | null | undefined {
    return this.#graphs.get(graph)?.get(record);
  }

  /** The complete set of records of a graph, as read from the store. */
  load(graph: string, records: Iterable<string>): void {
    this.forget([graph]);
    const map = new Map<string, string | null>();
    for (const record of records) map.set(record, null);
    this.#graphs.set(graph, map);
    this.#entries += map.size;
    for (const [oldest, entries] of this.#graphs) {
      if (this.#entries <= this.maxEntries || oldest === graph) break;
      this.#graphs.delete(oldest);
      this.#entries -= entries.size;
    }
  }

  /** A record the ledger has just written (or read): kept only for graphs held completely. */
  set(graph: string, record: string, digest: string): void {
    const records = this.#graphs.get(graph);
    if (!records) return;
    if (!records.has(record)) this.#entries++;
    records.set(record, digest);
  }

  /** Forgets these graphs, or every graph. */
  forget(graphs?: Iterable<string>): void {
    if (graphs === undefined) {
      this.#graphs.clear();
      this.#entries = 0;
      return;
    }
    for (const graph of graphs) {
      const records = this.#graphs.get(graph);
      if (!records) continue;
      this.#entries -= records.size;
      this.#graphs.delete(graph);
    }
  }
}
