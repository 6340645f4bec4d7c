// Public entry of the record log: the framed, checksummed, group-committed log shared by the durable
// store's WAL (store/durable/) and the remote store's outbox (store/remote/).
export { readCursor, writeCursor } from './cursor.ts';
export {
  type BadRecord,
  encodeRecord,
  HEADER_BYTES,
  MAX_RECORD_BYTES,
  type ReadResult,
  type RecordCheck,
  readRecordAt,
  type StoredRecord,
} from './frame.ts';
export { RecordLog, type RecordLogCounters, type RecordLogOptions } from './record-log.ts';
export {
  type Damage,
  type FileScan,
  type RecordEntry,
  readRecords,
  type ScanOptions,
  scanRecords,
} from './scan.ts';
