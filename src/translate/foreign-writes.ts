import type { OnlineStateChange, ProvStore } from '../store/index.ts';

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
  /** `added`: the quads the write adds, when they are known (else it may have added or removed any). */
  const around = async <T>(
    graphs: TouchedGraphs,
    write: () => Promise<T>,
    added?: OnlineStateChange,
  ): Promise<T> => {
    touched(graphs);
    let result: T;
    try {
      result = await write();
    } finally {
      touched(graphs);
    }
    await written(added);
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
    load: (data, options) => around(undefined, () => store.load(data, options)),
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
