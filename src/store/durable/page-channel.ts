// The main thread's end of a dump streamed from the engine worker: pages wait here until the consumer
// reads them. The worker sends the next page only for a page read, so this holds a bounded number.

export class PageChannel {
  private readonly pages: string[] = [];
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;
  /** The worker has sent its last page (or the dump failed, or never ran). */
  ended = false;

  push(page: string): void {
    this.pages.push(page);
    this.wake();
  }

  end(error?: Error): void {
    this.ended = true;
    this.failure ??= error;
    this.wake();
  }

  /** The next page; undefined once the dump has ended; throws what ended it, after the pages before. */
  async next(): Promise<string | undefined> {
    for (;;) {
      const page = this.pages.shift();
      if (page !== undefined) return page;
      if (this.failure) throw this.failure;
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => {
        this.waiter = resolve;
      });
    }
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}
