// Public entry of the translate layer: capture events → PROV-ML quads.
export { type BatchFormat, type PreparedBatch, prepareBatch } from './batch.ts';
export * from './iris.ts';
export { translate, translateEvent } from './translate.ts';
