import { open } from 'node:fs/promises';
import { ProvmlError } from '../../errors.ts';
import { RecordLog } from '../record-log/index.ts';
import { fsyncDir, segmentPath } from './files.ts';
import { RECORDS_PER_SEGMENT } from './manifest.ts';

export interface WalOptions {
  /** Runs after each batch is durable and acknowledged. */
  afterBatch: () => void;
  /** Runs when a new segment file exists, before any record is written into it. */
  segmentCreated: (firstSeq: number) => void;
  /** A segment never holds more records (default RECORDS_PER_SEGMENT); then a new one starts. */
  recordsPerSegment?: number;
}

/** The durable store's log: a record log in segment files wal-<first seq>.log, continuing after `lastSeq`. */
export function openWal(dir: string, lastSeq: number, options: WalOptions): Promise<RecordLog> {
  return RecordLog.open(lastSeq, {
    async openFile(firstSeq) {
      const file = await open(segmentPath(dir, firstSeq), 'a');
      fsyncDir(dir);
      options.segmentCreated(firstSeq);
      return file;
    },
    recordsPerFile: options.recordsPerSegment ?? RECORDS_PER_SEGMENT,
    afterBatch: options.afterBatch,
    failure: (cause) =>
      new ProvmlError(
        503,
        `Writing the log in ${dir} failed (${cause.message}); restart provml once the disk is healthy (acknowledged writes are safe).`,
      ),
  });
}
