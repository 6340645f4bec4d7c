// The server's CPU per event for metrics sent one line each against the same metrics as metric series
// (src/capture/series.ts), side by side on one `provml serve` (not part of npm test):
//   node --import tsx test/bench/series-server-cpu.ts [--batch 100] [--batches 200] [--rounds 4] [--out FILE]
// Each round posts `--batches` batches of `--batch` metric events of one task in each form, the order flipping
// every round, and reads the server process's CPU (user + system, every thread, /proc/PID/stat) around each.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { MetricEvent, writeEvents } from '../../src/client/metric-event.ts';
import { NdjsonWriter } from '../../src/client/ndjson-writer.ts';
import { startServeProcess } from '../support/serve-process.ts';
import { measuredCommit } from './suite/commit.ts';
import { median, round } from './suite/stats.ts';

const { values: args } = parseArgs({
  options: {
    batch: { type: 'string', default: '100' },
    batches: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '4' },
    out: { type: 'string' },
  },
});
const BATCH = Number(args.batch);
const BATCHES = Number(args.batches);
const TICKS = 100; // USER_HZ

function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  return (Number(fields[11]) + Number(fields[12])) / TICKS;
}

let sequence = 0;
/** One batch's body: `BATCH` metrics of one task, as series or one line each. */
function body(series: boolean, run: string): Buffer {
  const events = Array.from({ length: BATCH }, () => {
    sequence += 1;
    return new MetricEvent(
      'e-bench-',
      sequence,
      undefined,
      Date.now(),
      run,
      sequence % 2 ? 'loss' : 'accuracy',
      sequence / 1000,
      'train',
      'training',
      undefined,
      1,
      undefined,
      undefined,
      undefined,
    );
  });
  const out = new NdjsonWriter(BATCH * 400);
  if (series) writeEvents(events, events.length, out);
  else for (const event of events) writeEvents([event], 1, out);
  return Buffer.from(out.body());
}

const dataDir = mkdtempSync(join(tmpdir(), 'provml-series-cpu-'));
const { child, url } = await startServeProcess(['--port', '0', '--data', dataDir], {
  env: { ...process.env, PROVML_LOG_LEVEL: 'warn', PROVML_TOKEN: '' },
});
const pid = child.pid as number;
const post = async (payload: Buffer): Promise<void> => {
  const response = await fetch(`${url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: new Uint8Array(payload),
  });
  if (response.status !== 202) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
};
const perEvent: Record<'lines' | 'series', number[]> = { lines: [], series: [] };
const bytes: Record<'lines' | 'series', number> = { lines: 0, series: 0 };
try {
  const start = `{"type":"workflow.started","schema":"provml/1","id":"w","time":"2026-01-01T00:00:00Z","workflowExecutionId":"bench","name":"bench"}\n`;
  await post(Buffer.from(start));
  for (let i = 0; i < 20; i++) await post(body(i % 2 === 0, 'bench')); // warm-up
  for (let roundIndex = 0; roundIndex < Number(args.rounds); roundIndex++) {
    const order = roundIndex % 2 === 0 ? (['lines', 'series'] as const) : (['series', 'lines'] as const);
    for (const form of order) {
      const bodies = Array.from({ length: BATCHES }, () => body(form === 'series', 'bench'));
      bytes[form] = bodies.reduce((sum, b) => sum + b.length, 0) / bodies.length;
      const before = cpuSeconds(pid);
      for (const payload of bodies) await post(payload);
      perEvent[form].push(((cpuSeconds(pid) - before) * 1e6) / (BATCHES * BATCH));
      console.error(`round ${roundIndex + 1} ${form}: ${round(perEvent[form].at(-1) as number)} µs/event`);
    }
  }
} finally {
  child.kill('SIGTERM');
  await new Promise((resolve) => child.once('exit', resolve));
  rmSync(dataDir, { recursive: true, force: true });
}
const result = {
  commit: measuredCommit(),
  batch: BATCH,
  batches: BATCHES,
  bodyBytes: { lines: Math.round(bytes.lines), series: Math.round(bytes.series) },
  serverCpuMicrosecondsPerEvent: {
    lines: round(median(perEvent.lines)),
    series: round(median(perEvent.series)),
  },
  rounds: perEvent,
};
console.log(JSON.stringify(result, null, 2));
if (args.out) writeFileSync(args.out, `${JSON.stringify(result, null, 2)}\n`);
