// When to snapshot. A snapshot writes the whole store, so snapshotting every fixed number of log bytes
// makes the total work grow with the square of the data. Like Redis's AOF rewrite, a snapshot is due only
// once the log since the last one has grown by a fraction of that snapshot's size (and by at least a
// minimum): each snapshot then costs at most 1/growth times the log bytes written since the previous one,
// O(1) per ingested quad, and a restart replays at most that fraction of the store from the log.

export interface SnapshotPolicy {
  /** Never snapshot before this many log bytes (PROVML_SNAPSHOT_AFTER_BYTES). */
  minBytes: number;
  /** Snapshot once the log holds this fraction of the last snapshot's size. */
  growth: number;
}

export const DEFAULT_SNAPSHOT_GROWTH = 0.5;

/** Log bytes after which the next snapshot is due, given the size of the last one (0 when none). */
export function snapshotThreshold(policy: SnapshotPolicy, lastSnapshotBytes: number): number {
  return Math.max(policy.minBytes, Math.ceil(policy.growth * lastSnapshotBytes));
}

export function snapshotDue(policy: SnapshotPolicy, logBytes: number, lastSnapshotBytes: number): boolean {
  return logBytes >= snapshotThreshold(policy, lastSnapshotBytes);
}
