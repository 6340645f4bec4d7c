import { closeSync, fsyncSync, openSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

// Layout of a data directory:
//   wal-<first seq>.log        log segments, append-only; a new one starts at each snapshot and each open
//   snapshot-<seq>.nq          the whole store as N-Quads after applying every record up to <seq>
//   snapshot-<seq>.nq.tmp      a snapshot being written (ignored and removed at start-up)
//   dump-<uuid>.spool.tmp      pages of a dump its reader has not reached (page-spool.ts; likewise)
//   LOCK                       held with a kernel lock by the owning process (its pid inside, for messages)

const SEGMENT = /^wal-(\d{16})\.log$/;
const SNAPSHOT = /^snapshot-(\d{16})\.nq$/;

export interface DirEntry {
  seq: number;
  path: string;
}

export interface DataDirListing {
  /** Ordered by first sequence number. */
  segments: DirEntry[];
  /** Ordered by sequence number, newest last. */
  snapshots: DirEntry[];
  temporary: string[];
}

const pad = (seq: number): string => String(seq).padStart(16, '0');
export const segmentPath = (dir: string, firstSeq: number): string => join(dir, `wal-${pad(firstSeq)}.log`);
export const snapshotPath = (dir: string, seq: number): string => join(dir, `snapshot-${pad(seq)}.nq`);

export function listDataDir(dir: string): DataDirListing {
  const listing: DataDirListing = { segments: [], snapshots: [], temporary: [] };
  for (const name of readdirSync(dir).sort()) {
    const segment = SEGMENT.exec(name);
    const snapshot = SNAPSHOT.exec(name);
    if (segment) listing.segments.push({ seq: Number(segment[1]), path: join(dir, name) });
    else if (snapshot) listing.snapshots.push({ seq: Number(snapshot[1]), path: join(dir, name) });
    else if (name.endsWith('.tmp')) listing.temporary.push(join(dir, name));
  }
  return listing;
}

/** Makes a created, renamed or removed directory entry durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
