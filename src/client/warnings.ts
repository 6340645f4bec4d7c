/** Reports client trouble without ever throwing: each kind of trouble is reported once per recorder. */
export class Warner {
  private readonly seen = new Set<string>();
  constructor(private readonly sink: (message: string) => void) {}

  once(kind: string, message: string): void {
    if (this.seen.has(kind)) return;
    this.seen.add(kind);
    try {
      this.sink(message);
    } catch {
      // A throwing warning handler must not reach the user's training loop either.
    }
  }

  /** An unexpected internal fault, reported once per distinct message. */
  fault(where: string, error: unknown): void {
    const text = error instanceof Error ? error.message : String(error);
    this.once(`fault:${where}:${text}`, `provml client: ${where} failed (${text}); capture continues.`);
  }
}

export function stderrWarning(message: string): void {
  process.stderr.write(`${message}\n`);
}
