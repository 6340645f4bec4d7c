import { ProvmlError } from '../../errors.ts';

// The bytes all dumps of a store may hold in spool files at once: pages their readers have not reached. A
// spool lives on the data directory's disk, so slow or stalled readers of many exports could otherwise fill it
// and the log's next write would fail.

export class SpoolFullError extends ProvmlError {
  constructor(maxBytes: number) {
    super(
      'Unavailable',
      `This export was stopped: the pages that exports' readers have not reached yet would take more than ${maxBytes} bytes of spool (PROVML_MAX_SPOOL_BYTES) beside the data directory. Read exports faster or fewer at a time, or raise the limit where the disk has room.`,
    );
    this.name = 'SpoolFullError';
  }
}

export class SpoolBudget {
  private used = 0;

  constructor(readonly maxBytes: number) {}

  /** Bytes held by spools now. */
  get heldBytes(): number {
    return this.used;
  }

  /** Takes `bytes` for a spooled page, or throws SpoolFullError when they do not fit. */
  take(bytes: number): void {
    if (this.used + bytes > this.maxBytes) throw new SpoolFullError(this.maxBytes);
    this.used += bytes;
  }

  release(bytes: number): void {
    this.used = Math.max(0, this.used - bytes);
  }
}
