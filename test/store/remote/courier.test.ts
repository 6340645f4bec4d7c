import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BadRequestError } from '../../../src/errors.ts';
import { Courier, type CourierOptions } from '../../../src/store/remote/courier.ts';
import type { EngineWriter } from '../../../src/store/remote/engine-writer.ts';
import { EngineUnavailableError, OutboxBacklogError } from '../../../src/store/remote/errors.ts';
import { Outbox } from '../../../src/store/remote/outbox.ts';
import type { OutboxWrite } from '../../../src/store/remote/records.ts';
import { captureLog, tempDir } from '../durable/helpers.ts';

const URL = 'http://engine.test/sparql';

/** A stand-in engine: records what it is given; `answer` decides, per delivery, whether it fails. */
class FakeEngine {
  readonly delivered: OutboxWrite[] = [];
  readonly attempts: OutboxWrite[] = [];
  answer: (write: OutboxWrite) => Error | undefined = () => undefined;
  private attemptWaiters: Array<{ count: number; resolve: () => void }> = [];

  readonly writer = {
    deliver: async (write: OutboxWrite): Promise<void> => {
      this.attempts.push(write);
      for (const waiter of this.attemptWaiters.filter((w) => this.attempts.length >= w.count))
        waiter.resolve();
      const error = this.answer(write);
      if (error) throw error;
      const { seq: _seq, ...content } = write as OutboxWrite & { seq?: number };
      this.delivered.push(content as OutboxWrite);
    },
  } as unknown as EngineWriter;

  /** Resolves once `count` deliveries were attempted. */
  attempted(count: number): Promise<void> {
    if (this.attempts.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.attemptWaiters.push({ count, resolve }));
  }
}

const insert = (graph: string, ...lines: string[]): OutboxWrite => ({
  op: 'insert',
  groups: [{ graph, lines, blank: lines.some((l) => l.includes('_:')) }],
});
const triple = (n: number): string => `<urn:s${n}> <urn:p> "${n}" .\n`;
const unavailable = (): Error => new EngineUnavailableError(URL, 'ECONNREFUSED');

const courierOptions = (extra: Partial<CourierOptions> = {}): CourierOptions => ({
  batchTriples: 1000,
  retry: { baseMs: 1, maxMs: 5 },
  ...extra,
});

const running: Array<{ courier: Courier; outbox: Outbox }> = [];
afterEach(async () => {
  for (const { courier, outbox } of running.splice(0)) {
    await courier.stop();
    await outbox.close();
  }
});

async function start(engine: FakeEngine, options = courierOptions()) {
  const dir = tempDir();
  const outbox = await Outbox.open(dir);
  const log = captureLog();
  const courier = new Courier(outbox, engine.writer, URL, log.logger, options);
  running.push({ courier, outbox });
  const append = async (write: OutboxWrite): Promise<number> => {
    const seq = await outbox.append(write);
    courier.notify();
    return seq;
  };
  return { dir, outbox, courier, log, append };
}

describe('courier', () => {
  it('delivers records in order, merging consecutive plain inserts up to batchTriples', async () => {
    const engine = new FakeEngine();
    const { outbox, courier, append } = await start(engine, courierOptions({ batchTriples: 3 }));
    await append(insert('urn:g1', triple(1), triple(2)));
    await append(insert('urn:g2', triple(3)));
    await append(insert('urn:g1', triple(4)));
    await append({ op: 'dropGraph', graph: 'urn:g2' });
    const last = await append(insert('urn:g1', triple(5)));
    courier.start();
    await courier.waitDelivered(last, 10_000);
    expect(engine.delivered).toEqual([
      {
        op: 'insert',
        groups: [
          { graph: 'urn:g1', lines: [triple(1), triple(2)], blank: false },
          { graph: 'urn:g2', lines: [triple(3)], blank: false },
        ],
      },
      insert('urn:g1', triple(4)),
      { op: 'dropGraph', graph: 'urn:g2' },
      insert('urn:g1', triple(5)),
    ]);
    expect(outbox.deliveredSeq).toBe(last);
    expect(outbox.pendingCount).toBe(0);
  });

  it('sends an insert holding blank nodes on its own, so its labels stay one node', async () => {
    const engine = new FakeEngine();
    const { courier, append } = await start(engine);
    await append(insert('urn:g', triple(1)));
    await append(insert('urn:g', '_:b <urn:p> "x" .\n'));
    const last = await append(insert('urn:g', triple(2)));
    courier.start();
    await courier.waitDelivered(last, 10_000);
    expect(engine.delivered).toEqual([
      insert('urn:g', triple(1)),
      insert('urn:g', '_:b <urn:p> "x" .\n'),
      insert('urn:g', triple(2)),
    ]);
  });

  it('retries while the engine is away, saying so once, then delivers and says it is back', async () => {
    const engine = new FakeEngine();
    let failures = 3;
    engine.answer = () => (failures-- > 0 ? unavailable() : undefined);
    const { courier, log, append } = await start(engine);
    const seq = await append(insert('urn:g', triple(1)));
    courier.start();
    await courier.waitDelivered(seq, 10_000);
    expect(engine.attempts).toHaveLength(4);
    expect(engine.delivered).toEqual([insert('urn:g', triple(1))]);
    expect(log.messages('warn')).toEqual(['SPARQL engine unavailable; writes wait in the outbox']);
    expect(log.messages('info')).toContain('SPARQL engine reachable again; delivering the outbox');
  });

  it('takes its waits from the retry policy: one per retry', async () => {
    const engine = new FakeEngine();
    let failures = 3;
    engine.answer = () => (failures-- > 0 ? unavailable() : undefined);
    let draws = 0;
    const retry = {
      baseMs: 1,
      maxMs: 5,
      random: () => {
        draws += 1;
        return 0;
      },
    };
    const { courier, append } = await start(engine, courierOptions({ retry }));
    const seq = await append(insert('urn:g', triple(1)));
    courier.start();
    await courier.waitDelivered(seq, 10_000);
    expect(engine.attempts).toHaveLength(4);
    expect(draws).toBe(3);
  });

  it('sets aside a record the engine refuses as malformed, found by sending one by one', async () => {
    const engine = new FakeEngine();
    engine.answer = (write) =>
      JSON.stringify(write).includes('bad') ? new BadRequestError('malformed triple') : undefined;
    const { dir, outbox, courier, log, append } = await start(engine);
    await append(insert('urn:g', triple(1)));
    await append(insert('urn:g', '<urn:bad> <urn:p> "x" .\n'));
    const last = await append(insert('urn:g', triple(2)));
    courier.start();
    await courier.waitDelivered(last, 10_000);
    expect(engine.delivered).toEqual([insert('urn:g', triple(1)), insert('urn:g', triple(2))]);
    const rejected = (await readFile(join(dir, 'outbox.rejected.ndjson'), 'utf8')).trim().split('\n');
    expect(rejected.map((line) => JSON.parse(line))).toEqual([
      { error: 'malformed triple', record: { seq: 2, ...insert('urn:g', '<urn:bad> <urn:p> "x" .\n') } },
    ]);
    expect(outbox.pendingCount).toBe(0);
    expect(log.messages('error')).toEqual([
      'SPARQL engine refused an outbox record; it was moved to outbox.rejected.ndjson',
    ]);
  });

  it('runs an ordered write after the records acknowledged before it and before later ones', async () => {
    const engine = new FakeEngine();
    const order: string[] = [];
    engine.answer = (write) => {
      order.push(`record ${JSON.stringify(write).includes('urn:s1') ? 1 : 2}`);
      return undefined;
    };
    const { courier, append } = await start(engine);
    await append(insert('urn:g', triple(1)));
    const direct = courier.runInOrder(async () => {
      order.push('update');
    }, 10_000);
    const later = await append(insert('urn:g', triple(2)));
    courier.start();
    await direct;
    await courier.waitDelivered(later, 10_000);
    expect(order).toEqual(['record 1', 'update', 'record 2']);
  });

  it('answers a reader that cannot wait longer with the reason the engine is away', async () => {
    const engine = new FakeEngine();
    engine.answer = unavailable;
    const { courier, append } = await start(engine);
    const seq = await append(insert('urn:g', triple(1)));
    courier.start();
    await engine.attempted(1);
    await expect(courier.waitDelivered(seq, 20)).rejects.toBeInstanceOf(EngineUnavailableError);
    await expect(courier.runInOrder(async () => undefined, 20)).rejects.toBeInstanceOf(
      EngineUnavailableError,
    );
  });

  it('says how many writes are waiting when the engine is slow rather than away', async () => {
    const engine = new FakeEngine();
    const { courier, append } = await start(engine);
    const seq = await append(insert('urn:g', triple(1)));
    // Not started: nothing is delivered, and no engine error is known.
    const waiting = courier.waitDelivered(seq, 20);
    await expect(waiting).rejects.toBeInstanceOf(OutboxBacklogError);
    await expect(waiting).rejects.toThrow(/1 acknowledged write\(s\) are still waiting/);
  });

  it('starts the next attempt at once when a new record arrives, and stops without waiting out a back-off', async () => {
    const engine = new FakeEngine();
    let failures = 1;
    engine.answer = () => (failures-- > 0 ? unavailable() : undefined);
    // Waits this long would time the test out: only a wake-up can end them.
    const { courier, append } = await start(
      engine,
      courierOptions({ retry: { baseMs: 600_000, maxMs: 600_000 } }),
    );
    await append(insert('urn:g', triple(1)));
    courier.start();
    await engine.attempted(1);
    const second = await append(insert('urn:g', triple(2)));
    await courier.waitDelivered(second, 10_000);
    expect(engine.delivered).toEqual([
      { op: 'insert', groups: [{ graph: 'urn:g', lines: [triple(1), triple(2)], blank: false }] },
    ]);

    engine.answer = unavailable;
    await append(insert('urn:g', triple(3)));
    await engine.attempted(3);
    await courier.stop();
  });
});
