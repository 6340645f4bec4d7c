// Public entry of the capture layer (typed events, validation; no RDF).
export * from './events.ts';
export { extraFields } from './extras.ts';
export { fromFlowcept } from './flowcept.ts';
export {
  type ContentDifference,
  canonicalJson,
  type EventKey,
  eventContent,
  eventKeyOf,
  eventKeyString,
  firstDifference,
} from './identity.ts';
export { type NdjsonResult, parseNdjson, withLines } from './ndjson.ts';
export { datasetId as openLineageDatasetId, fromOpenLineage } from './openlineage/index.ts';
export {
  type ExpandedItems,
  eventsInLine,
  expandSeries,
  MAX_SERIES_EVENTS_PER_BATCH,
  SERIES_TYPE,
} from './series.ts';
export { eventJsonSchema, validateBatch, validateOne } from './validate.ts';
