import { PageSpool } from './page-spool.ts';
import { type SpoolBudget, SpoolFullError } from './spool-budget.ts';

// The main thread's end of a dump streamed from the engine worker. The engine must not wait for the
// reader (a slow HTTP client would hold every query and write behind it), so each page is stored as it
// comes, a few in memory and the rest in a spool file, and the worker is asked for the next page once
// one is stored. The reader gets the pages in order: memory first, then the spool.

export interface PageChannelOptions {
  /** Pages held in memory at most; later ones wait in a spool file while the reader is behind. */
  memoryPages: number;
  /** Where the spool file is made (and removed when the dump ends or is given up). */
  spoolDir: string;
  /** The bytes every dump of the store may spool at once (none: no limit). */
  budget?: SpoolBudget;
  /** A page is stored: the producer may send another. */
  onStored: () => void;
  /** A page could not be stored: the producer should stop (the reader gets the error). */
  onFailed: () => void;
}

export class PageChannel {
  private readonly memory: string[] = [];
  private spool: PageSpool | undefined;
  /** Spool writes, one after another. */
  private writes: Promise<void> = Promise.resolve();
  /** Pages handed to the spool and not written yet. */
  private writing = 0;
  private reading: Promise<string> | undefined;
  /** What ended the dump early, given to the reader after the pages stored before it. */
  private failure: Error | undefined;
  private spoolFailed = false;
  /** The store closed: given to the reader at once, whatever is stored. */
  private aborted: Error | undefined;
  private disposed: Promise<void> | undefined;
  private waiter: (() => void) | undefined;
  /** The worker has sent its last page (or the dump failed, or never ran). */
  ended = false;

  constructor(private readonly options: PageChannelOptions) {}

  push(page: string): void {
    if (this.failure || this.disposed) return;
    const spooled = this.writing + (this.spool?.unread ?? 0);
    if (spooled === 0 && this.memory.length < this.options.memoryPages) {
      this.memory.push(page);
      this.wake();
      this.options.onStored();
      return;
    }
    this.spool ??= new PageSpool(this.options.spoolDir);
    const spool = this.spool;
    this.writing++;
    this.writes = this.writes.then(() => this.spoolPage(spool, page));
  }

  end(error?: Error): void {
    this.ended = true;
    this.failure ??= error;
    this.wake();
  }

  /** The next page; undefined once the dump has ended; throws what ended it, after the pages before. */
  async next(): Promise<string | undefined> {
    for (;;) {
      if (this.aborted) throw this.aborted;
      const page = this.memory.shift();
      if (page !== undefined) return page;
      if (this.spool && this.spool.unread > 0) return this.readSpool(this.spool);
      if (this.writing === 0) {
        if (this.failure) throw this.failure;
        if (this.ended) return undefined;
      }
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  /** Ends the dump for its reader at once (the store closes) and removes what it stored. */
  abort(error: Error): Promise<void> {
    this.aborted ??= error;
    this.end(error);
    return this.dispose();
  }

  /** Drops the stored pages and removes the spool file, once no write or read of it is running. */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      this.memory.length = 0;
      await this.writes;
      await this.reading?.catch(() => undefined);
      // What the spool holds unread was taken from the budget: given back with the file.
      this.options.budget?.release(this.spool?.unreadBytes ?? 0);
      await this.spool?.remove();
    })();
    return this.disposed;
  }

  private async spoolPage(spool: PageSpool, page: string): Promise<void> {
    try {
      // A page after a failed one is dropped: the reader must get the error there, not a gap.
      if (this.spoolFailed || this.disposed) return;
      const bytes = Buffer.from(page, 'utf8');
      this.options.budget?.take(bytes.length);
      try {
        await spool.append(bytes);
      } catch (error) {
        this.options.budget?.release(bytes.length);
        throw error;
      }
      if (!this.disposed) this.options.onStored();
    } catch (error) {
      this.spoolFailed = true;
      this.failure ??=
        error instanceof SpoolFullError
          ? error
          : new Error(`A dump page could not be spooled to ${spool.path}: ${String(error)}`, {
              cause: error,
            });
      this.options.onFailed();
    } finally {
      this.writing--;
      this.wake();
    }
  }

  private async readSpool(spool: PageSpool): Promise<string> {
    const unreadBefore = spool.unreadBytes;
    this.reading = spool.readNext();
    try {
      const page = await this.reading;
      this.options.budget?.release(unreadBefore - spool.unreadBytes);
      if (this.aborted) throw this.aborted;
      return page;
    } finally {
      this.reading = undefined;
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
