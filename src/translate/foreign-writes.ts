import { parseRdf } from '../rdf/index.ts';
import type { LoadOptions, OnlineStateChange, ProvStore } from '../store/index.ts';

/** Which graphs a write may touch: named graphs, or undefined for "any". */
export type TouchedGraphs = string[] | undefined;

/** The store's reads: with `beforeRead`, each starts once it has resolved. */
const READS = ['query', 'hasGraph', 'listGraphs', 'stats'] as const;

/**
 * The store as every other writer (SPARQL update, Graph Store, import) sees it: the same store, except that each
 * write first and last tells `touched` which graphs it may change, so the event ledger forgets what it knew of
 * them (a dropped execution graph forgets its events: sending them again records them again), and a write that
 * succeeded resolves only after `written` (the derived state brought up to date). With `beforeRead`, every read
 * (a dump too) waits for it first: the event ledger's refreshes of batches it acknowledged already. Every other
 * property passes through untouched.
 */
export function reportingWrites(
  store: ProvStore,
  touched: (graphs: TouchedGraphs) => void,
  written: (change?: OnlineStateChange) => Promise<void>,
  beforeRead?: () => Promise<void>,
): ProvStore {
  /**
   * `added`: the quads the write adds, when they are known, or how to find them once it succeeded (else, or when
   * that gives nothing, it may have added or removed any).
   */
  const around = async <T>(
    graphs: TouchedGraphs,
    write: () => Promise<T>,
    added?: OnlineStateChange | (() => Promise<OnlineStateChange | undefined>),
  ): Promise<T> => {
    touched(graphs);
    let result: T;
    try {
      result = await write();
    } finally {
      touched(graphs);
    }
    await written(typeof added === 'function' ? await added() : added);
    return result;
  };
  const named = (graph: { termType: string; value: string }): string[] =>
    graph.termType === 'NamedNode' ? [graph.value] : [];
  const writes: Partial<ProvStore> = {
    update: (text, options) =>
      around(typeof text === 'string' ? undefined : text.graphsWritten?.slice(), () =>
        store.update(text, options),
      ),
    insert: (quads) =>
      around([...new Set(quads.map((q) => q.graph.value))], () => store.insert(quads), quads),
    load: (data, options) =>
      around(
        undefined,
        () => store.load(data, options),
        () => loadedQuads(data, options),
      ),
    replaceGraph: (graph, data, options) =>
      around(named(graph), () => store.replaceGraph(graph, data, options)),
    dropGraph: (graph) => around(named(graph), () => store.dropGraph(graph)),
  };
  if (beforeRead) {
    const reads = writes as Record<string, unknown>;
    for (const name of READS) {
      const read = (store[name] as (...args: unknown[]) => Promise<unknown>).bind(store);
      reads[name] = async (...args: unknown[]) => {
        await beforeRead();
        return read(...args);
      };
    }
    writes.dump = (options) =>
      (async function* () {
        await beforeRead();
        yield* store.dump(options);
      })();
  }
  return new Proxy(store, {
    get(target, property, receiver) {
      if (typeof property === 'string' && property in writes) return writes[property as keyof ProvStore];
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' && receiver !== target ? value.bind(target) : value;
    },
  });
}

/** Beyond this, a load (a bulk import) rebuilds the online state rather than parse its data a second time. */
const KEYED_LOAD_MAX_CHARS = 16 << 20;

/**
 * The quads a load added, parsed again from its data, so that the online state is refreshed for their keys
 * instead of rebuilt from every fact (25–34 s at 10^7); undefined (a rebuild) for a large load, or when the data
 * does not parse here as it did in the store.
 */
async function loadedQuads(data: string, options: LoadOptions): Promise<OnlineStateChange | undefined> {
  if (data.length > KEYED_LOAD_MAX_CHARS) return undefined;
  try {
    return await parseRdf(data, options.format, {
      ...(options.baseIri ? { baseIri: options.baseIri } : {}),
      ...(options.graph ? { graph: options.graph } : {}),
    });
  } catch {
    return undefined;
  }
}
