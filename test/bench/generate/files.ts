import { closeSync, openSync, writeSync } from 'node:fs';

/** Appends text to a file through a large buffer: generation streams to disk and never holds a whole size. */
export class BufferedFile {
  private readonly fd: number;
  private parts: string[] = [];
  private pending = 0;
  bytes = 0;

  constructor(
    path: string,
    private readonly flushAt = 4 << 20,
  ) {
    this.fd = openSync(path, 'w');
  }

  write(text: string): void {
    this.parts.push(text);
    this.pending += text.length;
    if (this.pending >= this.flushAt) this.flush();
  }

  flush(): void {
    if (this.parts.length === 0) return;
    this.bytes += writeSync(this.fd, this.parts.join(''));
    this.parts = [];
    this.pending = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
