import { randomUUID } from 'node:crypto';
import { type FileHandle, open, rm } from 'node:fs/promises';
import { join } from 'node:path';

// Pages of a dump that the reader has not reached yet, kept in a temporary file so that the engine can
// finish the dump without waiting for a slow reader and without the pages piling up in memory. Named
// `*.tmp` so that a spool left by a killed process is removed at the next start-up (see files.ts).

export class PageSpool {
  private handle: Promise<FileHandle> | undefined;
  private readonly lengths: number[] = [];
  private writeAt = 0;
  private readAt = 0;
  private removed = false;
  readonly path: string;

  constructor(dir: string) {
    this.path = join(dir, `dump-${randomUUID()}.spool.tmp`);
  }

  /** Pages written and not read yet. */
  get unread(): number {
    return this.lengths.length;
  }

  /** Bytes of the pages written and not read yet. */
  get unreadBytes(): number {
    return this.writeAt - this.readAt;
  }

  /** Appends a page's UTF-8 bytes; not to be called again before it settled. */
  async append(bytes: Buffer): Promise<void> {
    this.handle ??= open(this.path, 'wx+', 0o600);
    const handle = await this.handle;
    for (let done = 0; done < bytes.length; ) {
      const { bytesWritten } = await handle.write(bytes, done, bytes.length - done, this.writeAt + done);
      done += bytesWritten;
    }
    this.writeAt += bytes.length;
    this.lengths.push(bytes.length);
  }

  /** The oldest unread page; only when `unread` > 0, and not again before it settled. */
  async readNext(): Promise<string> {
    const length = this.lengths.shift() ?? 0;
    const handle = await (this.handle as Promise<FileHandle>);
    const bytes = Buffer.alloc(length);
    for (let done = 0; done < length; ) {
      const { bytesRead } = await handle.read(bytes, done, length - done, this.readAt + done);
      if (bytesRead === 0) throw new Error(`The dump's spool file ${this.path} ended early.`);
      done += bytesRead;
    }
    this.readAt += length;
    return bytes.toString('utf8');
  }

  /** Closes and deletes the file; only once no append or read is running. */
  async remove(): Promise<void> {
    if (this.removed || !this.handle) return;
    this.removed = true;
    const handle = await this.handle.catch(() => undefined);
    await handle?.close();
    if (handle) await rm(this.path, { force: true });
  }
}
