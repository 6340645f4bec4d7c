import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { QueryTimeoutError, StoreClosedError } from '../../../src/errors.ts';
import { quadsToNQuads } from '../../../src/rdf/index.ts';
import { segmentPath } from '../../../src/store/durable/files.ts';
import { encodeRecord, type LogRecord, writeOpOf } from '../../../src/store/durable/wal-format.ts';
import { WorkerHost, type WorkerHostOptions } from '../../../src/store/durable/worker-host.ts';
import type { WriteOp } from '../../../src/store/engine.ts';
import { toEngineQuery } from '../../../src/store/prepare/engine-query.ts';
import { captureLog, quadsOf, tempDir } from './helpers.ts';

// A cross product of three patterns: far beyond any time limit once the store holds a few hundred quads.
const ENDLESS = toEngineQuery(
  'SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g1 { ?a ?p ?b } GRAPH ?g2 { ?c ?q ?d } GRAPH ?g3 { ?e ?r ?f } }',
);

const load = (seq: number, items = 1): LogRecord => ({
  seq,
  op: {
    op: 'load',
    data: quadsToNQuads(Array.from({ length: items }, (_, i) => quadsOf(seq * 10_000 + i)).flat()),
    format: 'application/n-quads',
  },
});
const update = (seq: number, text: string): LogRecord => ({ seq, op: { op: 'update', text } as WriteOp });

/** A data directory whose log holds `records` (one segment from record 1). */
function dirWithLog(records: LogRecord[]): string {
  const dir = tempDir();
  if (records.length > 0)
    writeFileSync(
      segmentPath(dir, 1),
      Buffer.concat(records.map((r) => encodeRecord(r.seq, writeOpOf(r.op)))),
    );
  return dir;
}

const hosts: WorkerHost[] = [];
afterEach(async () => {
  for (const host of hosts.splice(0)) await host.stop();
});

function makeHost(dir: string, extra: Partial<WorkerHostOptions> = {}) {
  const log = captureLog();
  const applied: Array<[number, number | undefined]> = [];
  const measured: number[][] = [];
  const lost: string[] = [];
  const host = new WorkerHost({
    dir,
    logger: log.logger,
    shouldMeasure: (records) => {
      measured.push(records.map((r) => r.seq));
      return true;
    },
    onApplied: (seq, quads) => applied.push([seq, quads]),
    onWritesLost: (reason) => lost.push(reason),
    ...extra,
  });
  hosts.push(host);
  return { host, log, applied, measured, lost };
}

const stats = (host: WorkerHost) => host.call<{ quads: number; graphs: number }>('stats', [], 0);

describe('engine worker host', () => {
  it('recovers the log up to the given record, never past it', async () => {
    const { host } = makeHost(dirWithLog([load(1), load(2), load(3)]));
    const outcome = await host.start(2);
    expect(outcome).toMatchObject({ appliedSeq: 2, replayed: 2, snapshotSeq: 0, quads: 6 });
    expect(host.appliedSeq).toBe(2);
    expect(await stats(host)).toEqual({ quads: 6, graphs: 1 });
  });

  it('applies handed records in order, batching those that queue up, and reports what it applied', async () => {
    const { host, applied, measured } = makeHost(dirWithLog([]));
    await host.start(0);
    for (const seq of [1, 2, 3]) host.apply(load(seq));
    await host.idle();
    // The first goes at once; the two queued behind it go to the engine together.
    expect(measured).toEqual([[1], [2, 3]]);
    expect(applied).toEqual([
      [1, 3],
      [3, 9],
    ]);
    expect(host.appliedSeq).toBe(3);
    const answer = await host.call<{ rows: unknown[] }>(
      'query',
      [toEngineQuery('SELECT * { GRAPH ?g { ?s ?p ?o } }')],
      0,
    );
    expect(answer.rows).toHaveLength(9);
  });

  it('rejects only the update that failed on the data, and goes on with the next records', async () => {
    const { host } = makeHost(dirWithLog([]));
    await host.start(0);
    const settled: string[] = [];
    const settle = (name: string) => ({
      resolve: () => settled.push(`${name} applied`),
      reject: (error: Error) => settled.push(`${name} failed: ${error.constructor.name}`),
    });
    host.apply(load(1), settle('load 1'));
    host.apply(update(2, 'DROP GRAPH <http://example.org/missing>'), settle('drop'));
    host.apply(load(3), settle('load 3'));
    await host.idle();
    expect(settled[0]).toBe('load 1 applied');
    expect(settled[1]).toMatch(/^drop failed/);
    expect(settled[2]).toBe('load 3 applied');
    expect(host.appliedSeq).toBe(3);
    expect((await stats(host)).quads).toBe(6);
  });

  it('rejects a query over its time limit, rebuilds the engine from the log, and serves queued jobs from it', async () => {
    const { host, log } = makeHost(dirWithLog([load(1, 150)]));
    await host.start(1);
    const slow = host.call('query', [ENDLESS], 100);
    const queued = stats(host);
    await expect(slow).rejects.toBeInstanceOf(QueryTimeoutError);
    expect(await queued).toEqual({ quads: 450, graphs: 1 });
    expect(host.restarts).toBe(1);
    expect(log.messages('warn').join('\n')).toMatch(/ran over its time limit of 100 ms/);
  });

  it('says when no engine is being rebuilt from the files, so covered files are removed only then', async () => {
    const { host } = makeHost(dirWithLog([load(1, 150)]));
    await host.start(1);
    const order: string[] = [];
    await host.notRecovering().then(() => order.push('serving'));
    const start = host.start.bind(host);
    host.start = async (untilSeq) => {
      const outcome = await start(untilSeq);
      order.push('rebuilt');
      return outcome;
    };
    await expect(host.call('query', [ENDLESS], 100)).rejects.toBeInstanceOf(QueryTimeoutError);
    // The restart is under way (it reads snapshot and log); notRecovering waits for its end.
    await host.notRecovering().then(() => order.push('not recovering'));
    expect(order).toEqual(['serving', 'rebuilt', 'not recovering']);
    expect(await stats(host)).toEqual({ quads: 450, graphs: 1 });
  });

  it('rejects a call the engine refuses and keeps the same engine serving', async () => {
    const { host } = makeHost(dirWithLog([load(1)]));
    await host.start(1);
    await expect(
      host.call('query', [{ ...toEngineQuery('SELECT * {}'), text: 'SELECT nonsense' }], 0),
    ).rejects.toThrow();
    expect(await stats(host)).toEqual({ quads: 3, graphs: 1 });
    expect(host.restarts).toBe(0);
  });

  it('writes a snapshot of what it applied', async () => {
    const { host } = makeHost(dirWithLog([load(1), load(2)]));
    await host.start(2);
    const outcome = await host.snapshot(2);
    expect(outcome).toMatchObject({ quads: 6 });
    expect(outcome.bytes).toBeGreaterThan(0);
    expect(existsSync(outcome.path)).toBe(true);
  });

  it('stops only once the jobs queued before are done', async () => {
    const { host } = makeHost(dirWithLog([]));
    await host.start(0);
    let done = false;
    host.apply(load(1), { resolve: () => (done = true), reject: () => undefined });
    await host.stop();
    expect(done).toBe(true);
  });

  it('refuses a job handed over after stop() instead of leaving it pending', async () => {
    const { host } = makeHost(dirWithLog([load(1)]));
    await host.start(1);
    await host.stop();
    await expect(stats(host)).rejects.toBeInstanceOf(StoreClosedError);
    await expect(host.snapshot(1)).rejects.toBeInstanceOf(StoreClosedError);
  });

  it('produces a dump without waiting for its reader, spooling the pages not read yet', async () => {
    const dir = dirWithLog([load(1, 4)]);
    const spoolDir = tempDir();
    const { host } = makeHost(dir, { spoolDir, dumpMemoryPages: 0 });
    await host.start(1);
    const iterator = host.dump({ triples: false, pageQuads: 1 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    // Queued behind the dump, answered though nothing more was read: the dump was produced whole.
    expect(await stats(host)).toEqual({ quads: 12, graphs: 1 });
    expect(readdirSync(spoolDir).filter((name) => name.endsWith('.spool.tmp'))).toHaveLength(1);
    const pages = [first.value as string];
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) pages.push(next.value);
    expect(pages).toHaveLength(12);
    expect(new Set(pages).size).toBe(12);
    expect(readdirSync(spoolDir)).toEqual([]);
  });

  it('fails a dump whose pages cannot be spooled, stops producing it, and keeps serving', async () => {
    // Nothing held in memory: the first page already needs the spool (the order of the pages before a
    // failure is tested in page-channel.test.ts).
    const { host } = makeHost(dirWithLog([load(1)]), {
      spoolDir: join(tempDir(), 'missing'),
      dumpMemoryPages: 0,
    });
    await host.start(1);
    const pages: string[] = [];
    const reading = (async () => {
      for await (const page of host.dump({ triples: false, pageQuads: 1 })) pages.push(page);
    })();
    await expect(reading).rejects.toThrow(/could not be spooled/);
    expect(pages).toEqual([]);
    expect(await stats(host)).toEqual({ quads: 3, graphs: 1 });
  });

  it('stops a dump whose unread pages pass the spool budget, removes its spool, and keeps serving', async () => {
    const spoolDir = tempDir();
    // 12 pages of one quad (about 90 bytes each), nothing in memory: the budget holds three unread pages.
    const { host } = makeHost(dirWithLog([load(1, 4)]), { spoolDir, dumpMemoryPages: 0, maxSpoolBytes: 300 });
    await host.start(1);
    const iterator = host.dump({ triples: false, pageQuads: 1 })[Symbol.asyncIterator]();
    const first = await iterator.next();
    expect(first.done).toBe(false);
    // Queued behind the dump: by then the engine has produced every page, and the budget refused the fifth.
    expect(await stats(host)).toEqual({ quads: 12, graphs: 1 });
    const pages = [first.value];
    const rest = (async () => {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) pages.push(next.value);
    })();
    await expect(rest).rejects.toThrow(/PROVML_MAX_SPOOL_BYTES/);
    expect(pages.length).toBeGreaterThan(1);
    expect(pages.length).toBeLessThan(12);
    expect(readdirSync(spoolDir)).toEqual([]);
    expect(await stats(host)).toEqual({ quads: 12, graphs: 1 });
  });

  it('refuses to start on a log it cannot replay', async () => {
    const dir = dirWithLog([load(1)]);
    writeFileSync(segmentPath(dir, 1), Buffer.from('not a log record at all, only damage'));
    const { host } = makeHost(dir);
    await expect(host.start(1)).rejects.toThrow(/is damaged at byte 0/);
  });
});
