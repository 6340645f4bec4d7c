import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRecorder, type Recorder } from '../../src/client/index.ts';
import { startServeProcess } from '../support/serve-process.ts';
import { measuredCommit } from './suite/commit.ts';
import { makeMatrixStep } from './suite/matrix-step.ts';

const quick = process.argv.includes('--quick');
const outIndex = process.argv.indexOf('--out');
const here = dirname(fileURLToPath(import.meta.url));
const out =
  outIndex > 0 ? (process.argv[outIndex + 1] as string) : join(here, 'results', 'capture-overhead.json');

const CALLS = quick ? 50_000 : 200_000;
const EPOCHS = quick ? 5 : 20;
const STEPS = 100;
const REPEATS = quick ? 3 : 7;
const DELIVERY_EVENTS = quick ? 5_000 : 20_000;
const matrixIndex = process.argv.indexOf('--matrix');
/** Size of the matrix product of one step: 40 ≈ 0.1–0.3 ms per step, 120 ≈ 3–8 ms (closer to a real step). */
const MATRIX = matrixIndex > 0 ? Number(process.argv[matrixIndex + 1]) : 40;

/** `provml serve` in its own process on a temporary data dir, as in real use (the server's work is not ours). */
async function startServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'provml-bench-server-'));
  const { child, url } = await startServeProcess(['--port', '0', '--data', dataDir], {
    env: { ...process.env, PROVML_LOG_LEVEL: 'warn', PROVML_TOKEN: '' },
  });
  return {
    url,
    close: async () => {
      child.kill('SIGTERM');
      await once(child, 'exit');
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function recorderFor(url: string): Recorder {
  return createRecorder({
    url,
    batchSize: 2000,
    maxBufferedEvents: 1_000_000,
    onWarning: (w) => console.error(w),
  });
}

/**
 * Mean cost of one call, timed in chunks of 1000 with a yield between chunks, so the background writer runs
 * (as it does between the steps of a real loop) and the buffer stays small; only the calls are timed.
 */
async function nsPerCall(
  label: string,
  calls: number,
  body: (i: number) => void,
): Promise<{ call: string; ns: number }> {
  for (let i = 0; i < 1000; i++) body(i); // warm-up (JIT)
  let elapsed = 0n;
  for (let done = 0; done < calls; done += 1000) {
    const start = process.hrtime.bigint();
    for (let i = done; i < done + 1000; i++) body(i);
    elapsed += process.hrtime.bigint() - start;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return { call: label, ns: Math.round(Number(elapsed) / calls) };
}

/** One training step: a dense matrix product (stands in for forward + backward on a small model). */
const step = makeMatrixStep(MATRIX);

type Logging = 'off' | 'per-epoch' | 'per-step';

interface LoopTime {
  wallMs: number;
  cpuMs: number;
}

function measure(start: [bigint, NodeJS.CpuUsage]): LoopTime {
  const cpu = process.cpuUsage(start[1]);
  return { wallMs: Number(process.hrtime.bigint() - start[0]) / 1e6, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The loop without capture: its own function, so the JIT specializes it independently of the captured one. */
async function trainingLoopOff(): Promise<LoopTime> {
  const start: [bigint, NodeJS.CpuUsage] = [process.hrtime.bigint(), process.cpuUsage()];
  let sink = 0;
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    for (let s = 0; s < STEPS; s++) sink += step();
    await new Promise((resolve) => setImmediate(resolve)); // a real loop awaits its data loader here
  }
  if (Number.isNaN(sink)) console.log(sink);
  return measure(start);
}

async function trainingLoop(recorder: Recorder, logging: Exclude<Logging, 'off'>): Promise<LoopTime> {
  const start: [bigint, NodeJS.CpuUsage] = [process.hrtime.bigint(), process.cpuUsage()];
  let sink = 0;
  const run = recorder.workflowStarted({ name: 'bench-training' });
  const training = recorder.taskStarted({ name: 'train', stage: 'training', hyperparameters: { lr: 0.01 } });
  for (let epoch = 1; epoch <= EPOCHS; epoch++) {
    const section = recorder.taskStarted({ name: 'epoch', parentTaskId: training, stage: 'training', epoch });
    let loss = 0;
    for (let s = 0; s < STEPS; s++) {
      loss = step();
      sink += loss;
      if (logging === 'per-step') {
        recorder.logMetric('loss', loss, { epoch, taskId: section });
        recorder.logMetric('accuracy', 1 - loss, { epoch, taskId: section });
      }
    }
    recorder.logMetric('loss', loss, { epoch, taskId: section });
    recorder.logMetric('accuracy', 1 - loss, { epoch, taskId: section });
    recorder.taskEnded({ taskId: section });
    await new Promise((resolve) => setImmediate(resolve)); // a real loop awaits its data loader here
  }
  recorder.taskEnded({ taskId: training });
  recorder.workflowEnded({ workflowExecutionId: run });
  if (Number.isNaN(sink)) console.log(sink);
  return measure(start);
}

const median = (values: number[]): number =>
  [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] as number;

const cpuMicros = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return used.user + used.system;
};

const ALL_IN_EVENTS = quick ? 10_000 : 40_000;

interface AllIn {
  batch: number;
  /** Median over the repeats, µs of process CPU per event. */
  callUs: number;
  deliveryUs: number;
  allInUs: number;
  /** all-in ÷ JSON.stringify of one such event, measured in the same run. */
  perStringify: number;
}

/**
 * CPU per event with batches of `batch` events, counted directly: the CPU of every thread of the process inside
 * the calls (synchronous, the caller's path), then while the delivery runs (flush: id and time text,
 * serialization, HTTP, the server's answer). Nothing else runs meanwhile, so no difference of two totals is taken.
 */
async function allInCpu(url: string, batch: number): Promise<{ callUs: number; deliveryUs: number }> {
  const recorder = createRecorder({
    url,
    batchSize: batch,
    flushIntervalMs: 60_000,
    // A loaded server answers slowly: a timed-out request would be sent again and its CPU counted twice.
    requestTimeoutMs: 600_000,
    onWarning: console.error,
  });
  recorder.workflowStarted({ name: 'bench-all-in' });
  const task = recorder.taskStarted({ name: 'train', stage: 'training' });
  await recorder.flush();
  let calls = 0;
  let delivery = 0;
  for (let k = 0; k < ALL_IN_EVENTS / batch; k++) {
    // Every thread of the process while the calls run (they start none; GC helpers count): not the caller
    // thread's clock alone, which undercounts short intervals here (26 ms of 122 ms for a busy loop).
    const start = process.cpuUsage();
    for (let i = 0; i < batch; i++) recorder.logMetric('loss', i / batch, { epoch: k, taskId: task });
    calls += cpuMicros(start);
    const sent = process.cpuUsage();
    await recorder.flush();
    delivery += cpuMicros(sent);
  }
  const closed = await recorder.close();
  if (!closed.complete) throw new Error('all-in: events were not delivered');
  return { callUs: calls / ALL_IN_EVENTS, deliveryUs: delivery / ALL_IN_EVENTS };
}

/** µs of JSON.stringify for one evaluation event as the recorder builds it. */
function stringifyUs(): number {
  const event = {
    type: 'evaluation',
    schema: 'provml/1',
    id: 'abcd1234-e1234',
    time: new Date().toISOString(),
    workflowExecutionId: '5b1f5a4e-1f0e-4a53-9b1e-7d7c0e0f4b1a',
    measure: 'loss',
    value: 0.123456789,
    taskId: 'abcd1234-t1',
    stage: 'training',
    section: { kind: 'epoch', index: 3 },
  };
  let length = 0;
  const start = process.cpuUsage();
  for (let i = 0; i < ALL_IN_EVENTS; i++) length += JSON.stringify(event).length;
  if (length === 0) console.log(length);
  return cpuMicros(start) / ALL_IN_EVENTS;
}

async function allInFigures(url: string): Promise<AllIn[]> {
  const batches = [500, 100];
  const runs = new Map<number, Array<{ callUs: number; deliveryUs: number }>>(batches.map((b) => [b, []]));
  const stringify: number[] = [];
  await allInCpu(url, 500); // warm-up (JIT, connection)
  for (let r = 0; r < 3; r++)
    for (const batch of batches) {
      stringify.push(stringifyUs());
      runs.get(batch)?.push(await allInCpu(url, batch));
    }
  const base = median(stringify);
  return batches.map((batch) => {
    const rows = runs.get(batch) ?? [];
    const callUs = median(rows.map((row) => row.callUs));
    const deliveryUs = median(rows.map((row) => row.deliveryUs));
    const allInUs = median(rows.map((row) => row.callUs + row.deliveryUs));
    return {
      batch,
      callUs: round2(callUs),
      deliveryUs: round2(deliveryUs),
      allInUs: round2(allInUs),
      perStringify: round2(allInUs / base),
    };
  });
}

const round2 = (value: number): number => Math.round(value * 100) / 100;

/** Real time, default recorder options: a 5 ms step loop logging `rate` events/s; counts the POSTs. */
async function pacedLoop(
  url: string,
  rate: number,
  seconds: number,
): Promise<{ events: number; posts: number }> {
  let posts = 0;
  const counting: typeof fetch = (input, init) => {
    posts += 1;
    return fetch(input, init);
  };
  const recorder = createRecorder({ url, fetch: counting, onWarning: console.error });
  recorder.workflowStarted({ name: 'bench-paced' });
  const task = recorder.taskStarted({ name: 'train', stage: 'training' });
  await recorder.flush();
  posts = 0;
  let owed = 0;
  let events = 0;
  const started = performance.now();
  while (performance.now() - started < seconds * 1000) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    owed += rate / 200;
    for (; owed >= 1; owed -= 1) recorder.logMetric('loss', events++ / 1e6, { taskId: task });
  }
  await recorder.close();
  return { events, posts };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'provml-bench-'));
  const offline = createRecorder({ file: join(dir, 'calls.ndjson'), batchSize: 2000 });
  offline.workflowStarted({ name: 'bench-calls' });
  const task = offline.taskStarted({ name: 'train', stage: 'training' });
  const calls = [
    await nsPerCall('logMetric', CALLS, (i) =>
      offline.logMetric('loss', i / CALLS, { epoch: i, taskId: task }),
    ),
    await nsPerCall('taskStarted + taskEnded', CALLS / 2, (i) =>
      offline.taskEnded({
        taskId: offline.taskStarted({
          name: 'step',
          parentTaskId: task,
          section: { kind: 'batch', index: i },
        }),
      }),
    ),
    await nsPerCall('task(name, fn)', CALLS / 2, (i) =>
      offline.task('step', () => i, { parentTaskId: task }),
    ),
  ];
  await offline.close();
  rmSync(dir, { recursive: true, force: true });

  const server = await startServer();
  const allIn = await allInFigures(server.url);
  const paced = [];
  for (const rate of [1000, 100]) {
    const { events, posts } = await pacedLoop(server.url, rate, quick ? 2 : 4);
    paced.push({ rate, events, posts, eventsPerPost: round2(events / Math.max(1, posts)) });
  }
  const at = (rate: number, batch: number) => {
    const us = allIn.find((row) => row.batch === batch)?.allInUs ?? Number.NaN;
    // A CPU-bound loop uses one core: capture's share is events/s × CPU per event.
    return { rate, batch, allInUs: us, overheadPercent: round2((rate * us) / 1e4) };
  };
  const overhead = [at(1000, 500), at(100, 100)];
  const recorder = recorderFor(server.url);
  recorder.workflowStarted({ name: 'bench-delivery' });
  for (let i = 0; i < DELIVERY_EVENTS; i++) recorder.logMetric('loss', i / DELIVERY_EVENTS, { epoch: i });
  const buffered = DELIVERY_EVENTS + 1;
  const deliveryStart = process.hrtime.bigint();
  const delivered = await recorder.close({ timeoutMs: 600_000 });
  const deliveryS = Number(process.hrtime.bigint() - deliveryStart) / 1e9;

  const times: Record<Logging, LoopTime[]> = { off: [], 'per-epoch': [], 'per-step': [] };
  let undelivered = 0;
  await trainingLoopOff(); // warm-up
  for (let r = 0; r < REPEATS; r++) {
    times.off.push(await trainingLoopOff());
    for (const logging of ['per-epoch', 'per-step'] as const) {
      const loopRecorder = recorderFor(server.url);
      times[logging].push(await trainingLoop(loopRecorder, logging));
      // Delivery the loop did not finish is still capture's cost: close() runs in the same process, so its CPU
      // time is added to the loop's.
      const cpu = process.cpuUsage();
      const closed = await loopRecorder.close();
      if (!closed.complete || closed.rejected > 0) undelivered += closed.pending + closed.rejected;
      const tail = process.cpuUsage(cpu);
      (times[logging].at(-1) as LoopTime).cpuMs += (tail.user + tail.system) / 1000;
    }
  }
  await server.close();

  const wallOff = median(times.off.map((t) => t.wallMs));
  const cpuOff = median(times.off.map((t) => t.cpuMs));
  const eventsPerRun = { off: 0, 'per-epoch': 4 + EPOCHS * 4, 'per-step': 4 + EPOCHS * (4 + STEPS * 2) };
  const percent = (value: number, base: number): number => Math.round(((value - base) / base) * 10_000) / 100;
  const loops = (['off', 'per-epoch', 'per-step'] as const).map((logging) => {
    const wall = median(times[logging].map((t) => t.wallMs));
    const cpu = median(times[logging].map((t) => t.cpuMs));
    return {
      logging,
      events: eventsPerRun[logging],
      eventsPerSecond: Math.round(eventsPerRun[logging] / (wall / 1000)),
      wallMs: Math.round(wall * 10) / 10,
      cpuMs: Math.round(cpu * 10) / 10,
      wallOverheadPercent: percent(wall, wallOff),
      cpuOverheadPercent: percent(cpu, cpuOff),
      cpuPerEventUs: eventsPerRun[logging]
        ? Math.round(((cpu - cpuOff) / eventsPerRun[logging]) * 10_000) / 10
        : 0,
    };
  });
  const result = {
    benchmark: 'capture-overhead',
    date: new Date().toISOString(),
    commit: measuredCommit(),
    node: process.version,
    quick,
    allIn,
    overhead,
    paced,
    calls,
    delivery: {
      events: delivered.delivered,
      expected: buffered,
      seconds: Math.round(deliveryS * 100) / 100,
      eventsPerSecond: Math.round(delivered.delivered / deliveryS),
      triples: delivered.triples,
    },
    trainingLoop: {
      epochs: EPOCHS,
      stepsPerEpoch: STEPS,
      repeats: REPEATS,
      stepMs: Math.round((wallOff / (EPOCHS * STEPS)) * 1000) / 1000,
      loops,
    },
  };
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log('CPU per event, all-in (calls + serialization + HTTP), process CPU, median of 3');
  console.table(allIn);
  console.log('capture CPU of a CPU-bound loop at these rates (events/s × all-in CPU per event)');
  console.table(overhead);
  console.log('paced 5 ms-step loop, default options: events per POST');
  console.table(paced);
  console.log('client call cost (offline file mode: the call path is the same in HTTP mode)');
  console.table(calls);
  console.log(
    `delivery of ${delivered.delivered} buffered events: ${result.delivery.seconds} s (${result.delivery.eventsPerSecond} events/s, ${delivered.triples} triples)`,
  );
  console.log(
    `training loop: ${EPOCHS} epochs × ${STEPS} steps of ~${result.trainingLoop.stepMs} ms, median of ${REPEATS}`,
  );
  console.table(loops);
  if (undelivered > 0)
    console.log(`WARNING: ${undelivered} loop events were not delivered: the figures are not valid.`);
  console.log(`written ${out}`);
}

await main();
