import { mkdirSync, rmSync, statSync } from 'node:fs';
import { StoreClosedError, StoreReadOnlyError } from '../../errors.ts';
import { type Logger, silentLogger } from '../../logger.ts';
import type { GraphTerm } from '../../rdf/index.ts';
import type {
  DumpOptions,
  ProvStore,
  QueryMediaTypes,
  QueryOptions,
  StoreStats,
  WriteReceipt,
} from '../api.ts';
import { formatPages, pageOptions } from '../dump-format.ts';
import type { EngineResults, WriteOp } from '../engine.ts';
import { EngineStore } from '../engine-store.ts';
import type { EngineQuery } from '../prepare/engine-query.ts';
import type { RecordLog, RecordLogCounters } from '../record-log/index.ts';
import { QuadCeiling } from './ceiling.ts';
import { fsyncDir, listDataDir } from './files.ts';
import { acquireLock } from './lock.ts';
import { scanDataDir } from './log-scan.ts';
import { Manifest, writeManifest } from './manifest.ts';
import type { CallMethod, SnapshotOutcome } from './protocol.ts';
import {
  BackgroundSnapshotBuilder,
  SnapshotCancelledError,
  type SnapshotWriter,
} from './snapshot-builder.ts';
import { DEFAULT_SNAPSHOT_GROWTH, type SnapshotPolicy, snapshotDue } from './snapshot-policy.ts';
import { encodeLogged } from './wal-format.ts';
import { openWal } from './wal-writer.ts';
import { WorkerHost } from './worker-host.ts';
import { WriteChecker } from './write-checker.ts';

export interface DurableStoreOptions {
  /** Data directory: log segments, snapshots, LOCK. Created when missing. */
  dir: string;
  /** Queries running longer are rejected with QueryTimeoutError (503). Default 30 s. */
  queryTimeoutMs?: number;
  /** Snapshot after at least this many log bytes, bounding recovery time. Default 64 MiB. */
  snapshotAfterBytes?: number;
  /**
   * And only once the log since the last snapshot reaches this fraction of that snapshot's size, so
   * snapshot work stays O(1) per written quad (see snapshot-policy.ts). Default 0.5.
   */
  snapshotGrowth?: number;
  /**
   * Write the snapshots due while the store runs in a worker of their own, rebuilt from the last
   * snapshot and the log, so the engine keeps serving meanwhile (it costs a second copy of the store
   * in memory while one is written); false writes them with the engine, which then serves nothing
   * else until the dump is done. Snapshots at open and close are always written by the engine, which
   * has nothing else to do then. Default true.
   */
  snapshotInBackground?: boolean;
  /** Bytes all dumps may hold in spool files at once (pages their readers have not reached); default: no limit. */
  maxSpoolBytes?: number;
  /** What writes the background snapshots (tests); default a BackgroundSnapshotBuilder. */
  snapshotWriter?: SnapshotWriter;
  /** Refuse writes that would take the store past this many quads (code Full). Default: no limit. */
  maxQuads?: number;
  /**
   * Open a damaged data directory anyway, accepting the loss of what is damaged or missing (copies of
   * changed files are kept under damaged-<time>/); a checked snapshot is written before open() returns.
   */
  acceptLoss?: boolean;
  /** Records per log segment (tests); default RECORDS_PER_SEGMENT. */
  recordsPerSegment?: number;
  logger?: Logger;
}

type State = 'new' | 'open' | 'closing' | 'closed';

/**
 * The embedded store made durable: each write is validated, appended to the log and fsync'ed (group
 * commit) before it is acknowledged, then applied by the engine in a worker thread. Snapshots bound the
 * log a restart has to replay.
 */
export class DurableStore extends EngineStore implements ProvStore {
  private state: State = 'new';
  private release: (() => void) | undefined;
  private host: WorkerHost | undefined;
  private wal: RecordLog | undefined;
  private lastSeq = 0;
  private snapshotSeq = 0;
  private snapshotting: Promise<void> | undefined;
  /** The snapshot on disk must be rewritten even without new records (older format, or loss accepted). */
  private snapshotStale = false;
  private manifest: Manifest | undefined;
  private readonly checker = new WriteChecker();
  /** Settles once every write called so far has been numbered (or refused). */
  private writeTurn: Promise<unknown> = Promise.resolve();
  private readOnlyReason: string | undefined;
  private readonly ceiling: QuadCeiling;
  private readonly logger: Logger;
  private readonly queryTimeoutMs: number;
  private readonly snapshotPolicy: SnapshotPolicy;
  private lastSnapshotBytes = 0;
  private readonly background: SnapshotWriter | undefined;

  constructor(private readonly options: DurableStoreOptions) {
    super();
    this.logger = options.logger ?? silentLogger();
    this.queryTimeoutMs = options.queryTimeoutMs ?? 30_000;
    this.snapshotPolicy = {
      minBytes: options.snapshotAfterBytes ?? 64 << 20,
      growth: options.snapshotGrowth ?? DEFAULT_SNAPSHOT_GROWTH,
    };
    this.ceiling = new QuadCeiling(options.maxQuads);
    this.background =
      options.snapshotInBackground === false
        ? undefined
        : (options.snapshotWriter ?? new BackgroundSnapshotBuilder(options.dir));
  }

  async open(): Promise<void> {
    if (this.state !== 'new') return;
    const { dir } = this.options;
    mkdirSync(dir, { recursive: true });
    this.release = acquireLock(dir);
    try {
      const started = Date.now();
      const scan = scanDataDir(dir, { acceptLoss: this.options.acceptLoss });
      for (const warning of scan.warnings) this.logger.warn(warning);
      this.host = new WorkerHost({
        dir,
        logger: this.logger,
        maxQuads: this.options.maxQuads,
        acceptLoss: this.options.acceptLoss,
        maxSpoolBytes: this.options.maxSpoolBytes,
        shouldMeasure: (records) => this.ceiling.wantsMeasure(records),
        onApplied: (seq, quads) => this.ceiling.appliedUpTo(seq, quads),
        onWritesLost: (reason) => this.becomeReadOnly(reason),
      });
      const outcome = await this.host.start(scan.lastSeq);
      for (const warning of outcome.warnings) this.logger.warn(warning);
      this.lastSeq = scan.lastSeq;
      this.snapshotSeq = outcome.snapshotSeq;
      this.ceiling.appliedUpTo(outcome.appliedSeq, outcome.quads);
      // With the loss accepted, even an unchanged log gets a fresh snapshot: the one loaded may be damaged.
      const acceptLoss = this.options.acceptLoss === true;
      this.snapshotStale = acceptLoss || outcome.legacySnapshot === true;
      this.lastSnapshotBytes = scan.snapshot ? statSync(scan.snapshot.path).size : 0;
      if (outcome.stoppedEarly) this.becomeReadOnly(outcome.stoppedEarly);
      else {
        // Written before the first new segment exists: from here on every file the store relies on is listed.
        writeManifest(dir, scan.manifest);
        const manifest = new Manifest(dir, scan.manifest);
        this.manifest = manifest;
        this.wal = await openWal(dir, this.lastSeq, {
          afterBatch: () => this.maybeSnapshot(),
          segmentCreated: (first) => manifest.segmentCreated(first),
          recordsPerSegment: this.options.recordsPerSegment,
        });
        this.wal.bytesSinceRotation = scan.bytesAfterSnapshot;
      }
      this.logger.info(
        {
          dir,
          quads: outcome.quads,
          snapshotSeq: outcome.snapshotSeq,
          replayed: outcome.replayed,
          ms: Date.now() - started,
        },
        'Durable store opened.',
      );
      this.state = 'open';
      if (acceptLoss) await this.snapshot();
      else if (this.snapshotStale) this.maybeSnapshot();
    } catch (error) {
      await this.host?.stop().catch(() => undefined);
      this.release();
      this.state = 'closed';
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.state !== 'open') return;
    this.state = 'closing';
    try {
      await this.writeTurn;
      await this.host?.endDumps();
      await this.wal?.idle();
      // A background build would only delay the stop: the snapshot below covers what it would have.
      await this.background?.cancel();
      await this.snapshotting;
      if (this.wal && !this.readOnlyReason && (this.lastSeq > this.snapshotSeq || this.snapshotStale))
        await this.snapshot();
      await this.host?.stop();
      await this.wal?.close();
      await this.checker.close();
    } finally {
      this.release?.();
      this.state = 'closed';
    }
  }

  protected override runQuery(
    query: EngineQuery,
    accept: QueryMediaTypes | undefined,
    options: QueryOptions,
  ): Promise<EngineResults> {
    return this.call('query', [query, accept], options);
  }

  /**
   * Streamed from the engine worker page by page; the engine serves nothing else while it produces a
   * dump, so a dump sees no write half-applied, but never waits for the reader: pages not read yet wait
   * in a spool file in the data directory (see page-channel.ts).
   */
  async *dump(options: DumpOptions): AsyncGenerator<string> {
    const host = this.useHost();
    if (options.format === 'application/rdf+xml')
      yield await this.call<string>('dumpGraph', [options.format, options.graph], { timeoutMs: 0 });
    else yield* formatPages(host.dump(pageOptions(options)), options.format);
  }

  async hasGraph(graph: GraphTerm): Promise<boolean> {
    return this.call('hasGraph', [graph]);
  }

  async listGraphs(): Promise<string[]> {
    return this.call('listGraphs', []);
  }

  async stats(): Promise<StoreStats> {
    const counts = await this.call<{ quads: number; graphs: number }>('stats', []);
    const reason = this.readOnlyReason ?? this.ceiling.fullReason();
    return { ...counts, readOnly: reason !== undefined, ...(reason ? { readOnlyReason: reason } : {}) };
  }

  /** Log counters: records written and fsyncs done (fewer fsyncs than records is group commit at work). */
  logCounters(): RecordLogCounters {
    return { ...(this.wal?.counters ?? { records: 0, syncs: 0, bytes: 0 }) };
  }

  /** Resolves once the snapshot being written, if any, is on disk (or has failed, which the log says). */
  async snapshotIdle(): Promise<void> {
    await this.snapshotting?.catch(() => undefined);
  }

  /** Engine worker restarts since open (one per query over its time limit). */
  get workerRestarts(): number {
    return this.host?.restarts ?? 0;
  }

  private async call<T>(method: CallMethod, args: unknown[], options?: QueryOptions): Promise<T> {
    const host = this.useHost();
    return host.call<T>(method, args, options?.timeoutMs ?? this.queryTimeoutMs);
  }

  protected override async write(
    op: WriteOp,
    knownValidQuads?: number,
    mayAdd = false,
  ): Promise<WriteReceipt> {
    const host = this.useHost();
    if (this.readOnlyReason || !this.wal)
      throw new StoreReadOnlyError(this.readOnlyReason ?? 'The store is read-only.');
    // Checked in the check thread, not here (a big body would hold every request); numbered and logged
    // in call order, whichever check ends first.
    const checked = knownValidQuads !== undefined ? Promise.resolve(knownValidQuads) : this.checker.check(op);
    // Its refusal reaches the caller through the turn below; until then it is not unhandled.
    checked.catch(() => undefined);
    const turn = this.writeTurn.then(() => checked).then((added) => this.append(host, op, added, mayAdd));
    this.writeTurn = turn.catch(() => undefined);
    const { seq, done } = await turn;
    await done;
    return { seq };
  }

  /**
   * Numbers and logs a checked write, synchronously in its turn; `done` settles once it may be answered.
   * A write called before close() began is still logged: close() waits for every turn first.
   */
  private append(
    host: WorkerHost,
    op: WriteOp,
    added: number,
    mayAdd: boolean,
  ): { seq: number; done: Promise<void> } {
    if (this.state === 'closed') throw new StoreClosedError();
    // The store may have become read-only while the write was checked.
    const wal = this.wal;
    if (this.readOnlyReason || !wal)
      throw new StoreReadOnlyError(this.readOnlyReason ?? 'The store is read-only.');
    this.ceiling.check(added, mayAdd);
    const seq = ++this.lastSeq;
    this.ceiling.logged(seq, added);
    const { frame, logged } = encodeLogged(seq, op);
    const record = { seq, op: logged };
    if (op.op !== 'update') {
      return { seq, done: wal.append(seq, frame, () => host.apply(record)) };
    }
    // An update can still fail on the real data (DROP of a missing graph): answer once it is applied.
    let applied: Promise<void> | undefined;
    const durable = wal.append(seq, frame, () => {
      applied = new Promise((resolve, reject) => host.apply(record, { resolve, reject }));
    });
    return { seq, done: durable.then(() => applied) };
  }

  private maybeSnapshot(): void {
    if (this.snapshotting || this.readOnlyReason || this.state !== 'open') return;
    const logBytes = this.wal?.bytesSinceRotation ?? 0;
    if (!this.snapshotStale && !snapshotDue(this.snapshotPolicy, logBytes, this.lastSnapshotBytes)) return;
    // A stale snapshot is rewritten right after start-up, by the engine (it may be damaged or of an older format).
    this.snapshot(this.snapshotStale ? undefined : this.background).catch((error: Error) =>
      this.logger.error(
        { err: error },
        'Snapshot failed; the log keeps every write, the next snapshot will retry.',
      ),
    );
  }

  /**
   * Rotates the log, has a snapshot written of the state at the rotation point (by `writer` in the
   * background, else by the engine), then drops what it covers. A background build that fails (a second
   * copy of the store may not fit in memory) is said and done again by the engine, at a new rotation.
   */
  private snapshot(writer?: SnapshotWriter): Promise<void> {
    const { wal, host } = this;
    if (!wal || !host) return Promise.resolve();
    const run = async (): Promise<void> => {
      const started = Date.now();
      const taken = await this.writeSnapshotAt(wal, host, writer);
      if (!taken) return;
      const { boundary, outcome } = taken;
      // An engine being rebuilt now (after a query over its time limit) may still need the files covered.
      await host.notRecovering();
      this.snapshotSeq = boundary;
      this.snapshotStale = false;
      this.lastSnapshotBytes = outcome.bytes;
      this.manifest?.snapshotTaken(boundary);
      this.removeCoveredFiles(boundary);
      this.logger.info(
        { ...(outcome as object), seq: boundary, ms: Date.now() - started, background: writer !== undefined },
        'Snapshot written.',
      );
    };
    this.snapshotting = run().finally(() => {
      this.snapshotting = undefined;
    });
    return this.snapshotting;
  }

  private async writeSnapshotAt(
    wal: RecordLog,
    host: WorkerHost,
    writer: SnapshotWriter | undefined,
  ): Promise<{ boundary: number; outcome: SnapshotOutcome } | undefined> {
    let written: Promise<SnapshotOutcome> | undefined;
    let boundary = 0;
    await wal.rotate((seq) => {
      boundary = seq;
      if (seq > this.snapshotSeq || this.snapshotStale)
        written = writer ? writer.build(seq) : host.snapshot(seq);
    });
    if (!written) return undefined;
    try {
      return { boundary, outcome: await written };
    } catch (error) {
      if (!writer || this.state !== 'open') {
        if (error instanceof SnapshotCancelledError) return undefined;
        throw error;
      }
      this.logger.warn(
        { err: error },
        'The background snapshot failed; the engine writes it instead (it serves nothing else meanwhile).',
      );
      return this.writeSnapshotAt(wal, host, undefined);
    }
  }

  private removeCoveredFiles(boundary: number): void {
    const listing = listDataDir(this.options.dir);
    for (const segment of listing.segments)
      if (segment.seq <= boundary) rmSync(segment.path, { force: true });
    for (const snapshot of listing.snapshots)
      if (snapshot.seq < boundary) rmSync(snapshot.path, { force: true });
    fsyncDir(this.options.dir);
  }

  private becomeReadOnly(reason: string): void {
    this.readOnlyReason ??= reason;
    this.logger.warn(reason);
  }

  private useHost(): WorkerHost {
    if (this.state !== 'open' || !this.host) throw new StoreClosedError();
    return this.host;
  }
}

export async function openDurableStore(options: DurableStoreOptions): Promise<DurableStore> {
  const store = new DurableStore(options);
  await store.open();
  return store;
}
