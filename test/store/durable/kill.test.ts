import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDir } from './helpers.ts';

const WRITER = fileURLToPath(new URL('../../fixtures/store/kill-writer.ts', import.meta.url));
const QUADS_PER_BATCH = 5;
const ROUNDS = 16;

interface Round {
  present: Map<number, number>;
  acked: number[];
}

/** Runs the writer; kills it with SIGKILL once it has printed `killAfterAcks` acks (or lets it finish in check mode). */
function runWriter(dir: string, killAfterAcks: number | 'check'): Promise<Round> {
  return new Promise((resolve, reject) => {
    const args = ['--import', 'tsx', WRITER, dir, ...(killAfterAcks === 'check' ? ['check'] : [])];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const round: Round = { present: new Map(), acked: [] };
    let buffered = '';
    let stderr = '';
    let killed = false;
    const kill = (): void => {
      if (!killed) child.kill('SIGKILL');
      killed = true;
    };
    child.stderr.on('data', (data) => {
      stderr += data;
    });
    child.stdout.on('data', (data) => {
      buffered += data;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [word, a, b] = line.split(' ');
        if (word === 'have') round.present.set(Number(a), Number(b));
        if (word === 'ack') round.acked.push(Number(a));
        if (
          killAfterAcks !== 'check' &&
          (word === 'ready' || word === 'ack') &&
          round.acked.length >= killAfterAcks
        )
          kill();
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (killAfterAcks === 'check' ? code === 0 : signal === 'SIGKILL') resolve(round);
      else reject(new Error(`writer ended with code ${code} signal ${signal}: ${stderr}`));
    });
  });
}

/** Deterministic pseudo-random numbers (mulberry32), so every run kills at the same ack counts. */
function seeded(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function expectConsistent(present: Map<number, number>, acked: Set<number>): void {
  const partial = [...present].filter(([, quads]) => quads !== QUADS_PER_BATCH);
  expect(partial, 'batches present only in part').toEqual([]);
  const lost = [...acked].filter((batch) => !present.has(batch));
  expect(lost, 'acknowledged batches missing after restart').toEqual([]);
}

describe('durable store under SIGKILL', () => {
  it('keeps every acknowledged batch and never half of one, across many kills', async () => {
    const dir = tempDir();
    const random = seeded(20240611);
    const acked = new Set<number>();
    let totalAcks = 0;
    for (let round = 0; round < ROUNDS; round++) {
      // Kill points by ack count: right after start-up (0), after a few writes, or after many (several snapshots).
      const killAfter = round % 6 === 0 ? 0 : 1 + Math.floor(random() * 60);
      const result = await runWriter(dir, killAfter);
      expectConsistent(result.present, acked);
      for (const batch of result.acked) acked.add(batch);
      totalAcks += result.acked.length;
    }
    const final = await runWriter(dir, 'check');
    expectConsistent(final.present, acked);
    expect(totalAcks).toBeGreaterThan(ROUNDS * 10);
  }, 120_000);
});
