// Public entry of the store layer: the store interface, its factories and the typed query helpers.
// RDF terms, syntaxes and results are the RDF kernel's (src/rdf/index.ts).

export type * from './api.ts';
export { dumpText } from './dump-format.ts';
export { DurableStore, type DurableStoreOptions, openDurableStore } from './durable/durable-store.ts';
export { StoreLockedError } from './durable/lock.ts';
export { StoreCorruptError } from './durable/log-scan.ts';
export { MemoryStore, openMemoryStore } from './memory.ts';
export {
  type OnlineStateChange,
  onlineStateBacklog,
  onlineStateSettled,
  pendingMarkers,
  refreshOnlineState,
} from './online-state.ts';
export { holdsQuotedTriple } from './prepare/analyse.ts';
export { MAX_NESTING, nestingDepth } from './prepare/nesting.ts';
export { MAX_OPERATION_DEPTH } from './prepare/operation-depth.ts';
export {
  MAX_QUERY_CHARS,
  type PreparedOperation,
  type PreparedQuery,
  type PreparedUpdate,
  type PrepareQueryOptions,
  type PrepareUpdateOptions,
  prepareQuery,
  prepareUpdate,
} from './prepare/prepare.ts';
export {
  INLINE_PREPARE_MAX_CHARS,
  PREPARE_TIME_LIMIT_MS,
  PrepareThread,
  prepareQueryAtEdge,
  prepareUpdateAtEdge,
} from './prepare/prepare-thread.ts';
export {
  prepareQueryTemplate,
  prepareUpdateTemplate,
  type QueryTemplate,
  type Slot,
  type SlotTerms,
  type TemplatePart,
  triplesSlot,
  type UpdateTemplate,
  valuesSlot,
} from './prepare/template.ts';
export { askBoolean, constructQuads, onePiece, querySerialized, selectRows } from './query-results.ts';
export { openSparqlStore, SparqlStore, type SparqlStoreOptions } from './remote/sparql-store.ts';
