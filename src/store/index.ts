// Public entry of the store layer: other layers import only from here.
export type * from './api.ts';
export type * from './terms.ts';
export { MemoryStore, openMemoryStore } from './memory.ts';
export { escapeString, iriToNTriples, isValidIri, quadToNQuads, quadsToNQuads, termToNTriples } from './ntriples.ts';
export { detectQueryForm } from './query-form.ts';
export { literal } from './convert.ts';
