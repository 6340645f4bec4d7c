// Public entry of the capture layer (typed events, validation; no RDF).
export * from './events.ts';
export { extraFields } from './extras.ts';
export { fromFlowcept } from './flowcept.ts';
export { type NdjsonResult, parseNdjson, withLines } from './ndjson.ts';
export { datasetId as openLineageDatasetId, fromOpenLineage } from './openlineage/index.ts';
export { eventJsonSchema, validateBatch, validateOne } from './validate.ts';
