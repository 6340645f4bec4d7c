// Public entry of the translate layer: capture events → PROV-ML quads.
export { type BatchFormat, checkBatch, type PreparedBatch, prepareBatch } from './batch.ts';
export {
  createEventLedger,
  type EventConflict,
  EventLedger,
  type LedgerOutcome,
  ON_CONFLICT,
  type OnConflict,
} from './event-ledger.ts';
export { eventRecordQuad } from './event-record.ts';
export { reportingWrites, type TouchedGraphs } from './foreign-writes.ts';
export * from './iris.ts';
export { translate, translateEvent } from './translate.ts';
