import {
  closeSync,
  copyFileSync,
  fsyncSync,
  ftruncateSync,
  linkSync,
  mkdirSync,
  openSync,
  readSync,
  rmSync,
} from 'node:fs';
import { basename, join } from 'node:path';
import { ProvmlError } from '../../errors.ts';
import { scanRecords } from '../record-log/index.ts';
import { type DirEntry, listDataDir } from './files.ts';
import { type ManifestData, RECORDS_PER_SEGMENT, readManifest } from './manifest.ts';
import { SNAPSHOT_HEADER } from './snapshot-io.ts';
import { isLogRecord } from './wal-format.ts';

/** The data directory cannot be recovered without losing acknowledged writes: a person must decide. */
export class StoreCorruptError extends ProvmlError {
  constructor(message: string) {
    super(500, message);
  }
}

export interface ScanOptions {
  /** The user accepted losing what is damaged or missing (`provml recover --accept-loss`). */
  acceptLoss?: boolean;
}

export interface LogScan {
  /** The newest complete snapshot, if any. */
  snapshot?: DirEntry;
  /** The sequence number after which numbering continues: never one a lost record may have had. */
  lastSeq: number;
  /** Log bytes written after the snapshot: how much work a restart replays. */
  bytesAfterSnapshot: number;
  warnings: string[];
  /** The manifest describing the files found (to be written before the store writes anything). */
  manifest: ManifestData;
  /** Something was accepted as lost: a snapshot must now make the directory whole again. */
  lossAccepted: boolean;
}

const howToProceed = (dir: string, what: string): string =>
  `Restore the data directory from a backup; or, accepting the loss of ${what}, run \`provml recover --data ${dir} --accept-loss\` ` +
  '(it keeps a copy of every file it changes under damaged-<time>/, continues numbering after the lost records, and writes a checked snapshot). ' +
  'See docs/operations.md, "Damage".';

/**
 * Checks the data directory before anything is applied: the files MANIFEST lists are all there, every
 * log segment is intact (length, checksum, contiguous sequence numbers). A record cut short at the very
 * end of the log is what a crash during a write leaves (the write was not acknowledged: that waits for
 * the fsync), so it is cut off with a warning. Anything else (a missing file, a complete record whose
 * checksum fails, damage followed by valid records) stops start-up with a message saying how to proceed,
 * unless the user accepted the loss.
 */
export function scanDataDir(dir: string, options: ScanOptions = {}): LogScan {
  const acceptLoss = options.acceptLoss ?? false;
  const listing = listDataDir(dir);
  for (const temporary of listing.temporary) rmSync(temporary, { force: true });
  const snapshot = listing.snapshots.at(-1);
  const snapshotSeq = snapshot?.seq ?? 0;
  const scan: LogScan = {
    snapshot,
    lastSeq: snapshotSeq,
    bytesAfterSnapshot: 0,
    warnings: [],
    manifest: { format: 1, snapshot: snapshotSeq, segments: [], recordsPerSegment: RECORDS_PER_SEGMENT },
    lossAccepted: false,
  };
  const loss = new Loss(dir, acceptLoss, scan);
  const manifest = readDirManifest(dir, listing.snapshots.at(-1), loss);
  const perSegment = manifest?.recordsPerSegment ?? RECORDS_PER_SEGMENT;
  if (manifest) checkListedFiles(dir, manifest, listing.segments, snapshotSeq, loss);
  if (snapshot && acceptLoss) loss.keepCopy(snapshot.path, 'link');

  let expected: number | undefined;
  listing.segments.forEach((segment, index) => {
    expected ??= segment.seq;
    if (segment.seq !== expected) {
      loss.accept(
        `Log segment ${segment.path} starts at record ${segment.seq} but record ${expected} was expected: a segment is missing`,
        `records ${expected} to ${segment.seq - 1}`,
        segment.seq - 1,
      );
    }
    const next = listing.segments[index + 1];
    const { lastSeq, bytes } = scanSegment(segment, next, perSegment, loss);
    if (segment.seq > snapshotSeq) scan.bytesAfterSnapshot += bytes;
    scan.lastSeq = Math.max(scan.lastSeq, lastSeq);
    expected = lastSeq + 1;
  });
  const first = listing.segments[0];
  if (first && first.seq > snapshotSeq + 1) {
    loss.accept(
      `Records ${snapshotSeq + 1} to ${first.seq - 1} are missing from ${dir}: neither a snapshot nor a log segment holds them`,
      `records ${snapshotSeq + 1} to ${first.seq - 1}`,
      first.seq - 1,
    );
  }
  scan.lastSeq = Math.max(scan.lastSeq, loss.lostUpTo);
  scan.manifest.segments = listing.segments.map((segment) => segment.seq);
  return scan;
}

/** Refuses, or (when the user accepted the loss) notes it, keeps copies and bounds the lost numbers. */
class Loss {
  lostUpTo = 0;
  private copies: string | undefined;

  constructor(
    private readonly dir: string,
    private readonly accepted: boolean,
    private readonly scan: LogScan,
  ) {}

  accept(problem: string, what: string, lostUpTo: number): void {
    if (!this.accepted) throw new StoreCorruptError(`${problem}. ${howToProceed(this.dir, what)}`);
    this.scan.warnings.push(`${problem}. Accepted as lost (--accept-loss): ${what}.`);
    this.scan.lossAccepted = true;
    this.lostUpTo = Math.max(this.lostUpTo, lostUpTo);
  }

  scanWarning(text: string): void {
    this.scan.warnings.push(text);
  }

  /** Keeps the file as it is now under damaged-<time>/ (a hard link when it will only be replaced). */
  keepCopy(path: string, how: 'copy' | 'link'): void {
    this.copies ??= join(this.dir, `damaged-${new Date().toISOString().replaceAll(':', '-')}`);
    mkdirSync(this.copies, { recursive: true });
    const target = join(this.copies, basename(path));
    if (how === 'link') linkSync(path, target);
    else copyFileSync(path, target);
  }
}

function readDirManifest(dir: string, snapshot: DirEntry | undefined, loss: Loss): ManifestData | undefined {
  let manifest: ManifestData | undefined;
  try {
    manifest = readManifest(dir);
  } catch (error) {
    loss.accept(
      `The data directory's MANIFEST cannot be read (${(error as Error).message}), so missing files could not be noticed`,
      'whatever files are missing (the files present are taken as the whole store)',
      0,
    );
    return undefined;
  }
  if (!manifest && snapshot && startsWithHeader(snapshot.path)) {
    loss.accept(
      `${join(dir, 'MANIFEST')} is missing although ${snapshot.path} was written by a provml that keeps one, so missing files could not be noticed`,
      'whatever files are missing (the files present are taken as the whole store)',
      0,
    );
  }
  return manifest;
}

function checkListedFiles(
  dir: string,
  manifest: ManifestData,
  segments: DirEntry[],
  snapshotSeq: number,
  loss: Loss,
): void {
  if (manifest.snapshot > snapshotSeq) {
    loss.accept(
      `The snapshot snapshot-${String(manifest.snapshot).padStart(16, '0')}.nq listed in ${dir}/MANIFEST is missing (it holds every record up to ${manifest.snapshot})`,
      `every record up to ${manifest.snapshot} that no log segment holds`,
      manifest.snapshot,
    );
  }
  const present = new Set(segments.map((segment) => segment.seq));
  manifest.segments.forEach((first, index) => {
    const next = manifest.segments[index + 1];
    const last = next !== undefined ? next - 1 : first + manifest.recordsPerSegment - 1;
    if (present.has(first) || last <= snapshotSeq) return;
    const name = `wal-${String(first).padStart(16, '0')}.log`;
    const range = next !== undefined ? `records ${first} to ${last}` : `the records from ${first} on`;
    loss.accept(
      `Log segment ${name}, listed in ${dir}/MANIFEST, is missing: the acknowledged writes it held (${range}) are not in ${dir}`,
      `the writes in ${name} (${range})`,
      last,
    );
  });
}

function startsWithHeader(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SNAPSHOT_HEADER.length);
    const read = readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, read).toString('latin1') === SNAPSHOT_HEADER;
  } finally {
    closeSync(fd);
  }
}

function scanSegment(
  segment: DirEntry,
  next: DirEntry | undefined,
  perSegment: number,
  loss: Loss,
): { lastSeq: number; bytes: number } {
  const fd = openSync(segment.path, 'r+');
  try {
    const scanned = scanRecords(fd, {
      firstSeq: segment.seq,
      contiguous: true,
      followedByMore: next !== undefined,
      check: isLogRecord,
    });
    const lastSeq = scanned.lastSeq ?? segment.seq - 1;
    const { damage } = scanned;
    if (!damage) return { lastSeq, bytes: scanned.size };
    const { offset } = damage;
    if (damage.kind === 'misnumbered') {
      throw new StoreCorruptError(
        `Log segment ${segment.path} holds record ${damage.seq} at byte ${offset} where ${damage.expected} was expected. Restore the data directory from a backup.`,
      );
    }
    if (damage.torn) {
      loss.scanWarning(
        `Dropped the torn end of ${segment.path} at byte ${offset} (${damage.reason}): what a crash during a write leaves. ` +
          `That write had not been acknowledged (acknowledgement waits for its fsync). Truncated the file from ${scanned.size} to ${offset} bytes.`,
      );
    } else {
      const where = `Log segment ${segment.path} is damaged at byte ${offset}, in record ${lastSeq + 1}: ${damage.reason}`;
      const why =
        !next && !damage.validFollows
          ? `the record is complete by its length, so this is not a write torn by a crash but damage to a written record, which may have been acknowledged`
          : 'valid records follow, so this is not a write torn by a crash';
      const lostUpTo = next ? next.seq - 1 : segment.seq + perSegment - 1;
      loss.accept(`${where}; ${why}`, `record ${lastSeq + 1} and the rest of this segment`, lostUpTo);
      loss.keepCopy(segment.path, 'copy');
    }
    ftruncateSync(fd, offset);
    fsyncSync(fd);
    return { lastSeq, bytes: offset };
  } finally {
    closeSync(fd);
  }
}
