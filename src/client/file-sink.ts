import { appendFile } from 'node:fs/promises';
import { writeEvents } from './metric-event.ts';
import { NdjsonWriter } from './ndjson-writer.ts';
import type { DeliveryOptions, DeliverySummary, EventSink } from './sink.ts';
import type { Warner } from './warnings.ts';

export interface FileSinkOptions {
  file: string;
  batchSize: number;
  flushIntervalMs: number;
  warner: Warner;
}

/** Offline capture: appends events as NDJSON to a local file, batched, for `provml ingest` later. */
export class FileSink implements EventSink {
  private memory: object[] = [];
  private written = 0;
  private writing: Promise<boolean> | undefined;
  private writeScheduled = false;
  private readonly interval: NodeJS.Timeout;

  constructor(private readonly options: FileSinkOptions) {
    this.interval = setInterval(() => void this.write(), options.flushIntervalMs);
    this.interval.unref();
  }

  push(event: object): void {
    this.memory.push(event);
    if (this.memory.length >= this.options.batchSize && !this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(() => {
        this.writeScheduled = false;
        void this.write();
      }).unref();
    }
  }

  async flush(_options: DeliveryOptions = {}): Promise<DeliverySummary> {
    // One write takes everything buffered so far; a second covers events pushed while the first ran.
    const ok = (await this.write()) && (await this.write());
    return this.summary(ok && this.memory.length === 0);
  }

  async close(options: DeliveryOptions = {}): Promise<DeliverySummary> {
    clearInterval(this.interval);
    return this.flush(options);
  }

  /** Appends everything buffered; on failure the events stay buffered for the next attempt. */
  private write(): Promise<boolean> {
    const previous = this.writing ?? Promise.resolve(true);
    const run = previous.then(async () => {
      if (this.memory.length === 0) return true;
      const count = this.memory.length;
      const out = new NdjsonWriter(count * 320);
      if (!writeEvents(this.memory, count, out))
        this.options.warner.once(
          'unserializable',
          'provml client: dropped an event that is not JSON-serializable.',
        );
      try {
        if (out.lines > 0) await appendFile(this.options.file, out.body());
      } catch (error) {
        this.options.warner.fault(`writing ${this.options.file}`, error);
        return false;
      }
      this.memory.splice(0, count);
      this.written += out.events;
      return true;
    });
    this.writing = run;
    return run;
  }

  private summary(complete: boolean): DeliverySummary {
    return {
      complete,
      delivered: this.written,
      triples: 0,
      rejected: 0,
      pending: this.memory.length,
      spilled: 0,
      file: this.options.file,
    };
  }
}
