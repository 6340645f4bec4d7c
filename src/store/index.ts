// Public entry of the store layer: other layers import only from here.
export type * from './api.ts';
export { literal } from './convert.ts';
export { DurableStore, type DurableStoreOptions, openDurableStore } from './durable/durable-store.ts';
export { StoreLockedError } from './durable/lock.ts';
export { StoreCorruptError } from './durable/log-scan.ts';
export { fromJsonTerm, type JsonTerm, toJsonTerm } from './json-results.ts';
export { MemoryStore, openMemoryStore } from './memory.ts';
export {
  escapeString,
  iriToNTriples,
  isValidIri,
  quadsToNQuads,
  quadToNQuads,
  termToNTriples,
} from './ntriples.ts';
export { type OnlineStateChange, refreshOnlineState } from './online-state.ts';
export { MAX_NESTING, nestingDepth } from './prepare/nesting.ts';
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
export { openSparqlStore, SparqlStore, type SparqlStoreOptions } from './remote/sparql-store.ts';
export type * from './terms.ts';
