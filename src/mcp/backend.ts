import { type CatalogEntry, type ParamValues, runCatalogQuery } from '../query/index.ts';
import type { PreparedQuery, ProvStore, SelectResult } from '../store/index.ts';
import { askBoolean, selectRows } from '../store/index.ts';

/**
 * Where the MCP tools run: the server's own store (the /mcp route) or a running provml server over HTTP
 * (`provml mcp`, stdio). Either way a catalog analysis runs as the catalog runs it (union of all graphs) and
 * free SPARQL as /sparql runs it, so an answer can be checked by running the SPARQL the tool shows there.
 */
export interface ProvenanceBackend {
  runAnalysis(entry: CatalogEntry, values: ParamValues): Promise<SelectResult>;
  /** A query prepared (parsed, checked) once by the tool. */
  select(query: PreparedQuery): Promise<SelectResult>;
  ask(query: PreparedQuery): Promise<boolean>;
}

export interface StoreBackendOptions {
  timeoutMs: number;
  /** The /sparql endpoint's default-graph mode (PROVML_UNION_DEFAULT_GRAPH). */
  unionDefaultGraph: boolean;
}

export function storeBackend(store: ProvStore, options: StoreBackendOptions): ProvenanceBackend {
  const queryOptions = { unionDefaultGraph: options.unionDefaultGraph, timeoutMs: options.timeoutMs };
  return {
    runAnalysis: (entry, values) => runCatalogQuery(store, entry, values, { timeoutMs: options.timeoutMs }),
    select: (query) => selectRows(store, query, queryOptions),
    ask: (query) => askBoolean(store, query, queryOptions),
  };
}
