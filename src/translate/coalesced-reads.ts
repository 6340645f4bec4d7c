/**
 * Reads keyed values for many concurrent callers with as few reads as possible: a read covers every key asked
 * while the previous one ran, and reads run one at a time. A key's value is always read by a read that started
 * after it was asked for, so a caller that asks while holding a lock sees what was written before it asked.
 */
export class CoalescedReads<V> {
  #waiting = new Map<string, Array<{ resolve: (value: V) => void; reject: (error: unknown) => void }>>();
  #running = false;

  /** `read`: the values of these keys (every key must be in the answer). */
  constructor(private readonly read: (keys: string[]) => Promise<Map<string, V>>) {}

  get(key: string): Promise<V> {
    return new Promise<V>((resolve, reject) => {
      const waiters = this.#waiting.get(key) ?? [];
      waiters.push({ resolve, reject });
      this.#waiting.set(key, waiters);
      if (!this.#running) void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    this.#running = true;
    // One turn of the event loop first, so the callers of this tick share the first read.
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (this.#waiting.size > 0) {
      const round = this.#waiting;
      this.#waiting = new Map();
      try {
        const values = await this.read([...round.keys()]);
        for (const [key, waiters] of round) {
          const value = values.get(key);
          for (const waiter of waiters)
            if (value === undefined) waiter.reject(new Error(`no value read for ${key}`));
            else waiter.resolve(value);
        }
      } catch (error) {
        for (const waiters of round.values()) for (const waiter of waiters) waiter.reject(error);
      }
    }
    this.#running = false;
  }
}
