// Public entry of the store layer: the store interface and its factories. RDF terms, syntaxes and
// results are the RDF kernel's (src/rdf/index.ts).

// Transitional: interchange/export.ts and server/graph-store/{serialize,handler}.ts are being rewritten in this
// same step (streaming dumps) and still import these RDF names here; they move to src/rdf/index.ts with them.
export type { GraphTerm, QuadData } from '../rdf/index.ts';
export { iriToNTriples, isValidIri, quadsToNQuads, termToNTriples } from '../rdf/index.ts';
export type * from './api.ts';
export { dumpText } from './dump-format.ts';
export { DurableStore, type DurableStoreOptions, openDurableStore } from './durable/durable-store.ts';
export { StoreLockedError } from './durable/lock.ts';
export { StoreCorruptError } from './durable/log-scan.ts';
export { MemoryStore, openMemoryStore } from './memory.ts';
export { refreshOnlineState } from './online-state.ts';
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
export { openSparqlStore, SparqlStore, type SparqlStoreOptions } from './remote/sparql-store.ts';
