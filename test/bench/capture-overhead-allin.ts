// One client tree's all-in CPU per event, in a process of its own (run by capture-overhead-compare.ts):
//   node --import tsx test/bench/capture-overhead-allin.ts --client <tree>/src/client/index.ts --url <server>
//        [--batches 500,100] [--events 20000]
// Prints one JSON line: per batch size, µs of process CPU per event (user and system) inside the calls and
// during the delivery (flush: serialization, HTTP, the answer). A warning (a retry: the same events sent twice)
// makes the run fail rather than count twice.
import { parseArgs } from 'node:util';
import type { createRecorder as CreateRecorder } from '../../src/client/index.ts';

const { values: args } = parseArgs({
  options: {
    client: { type: 'string' },
    url: { type: 'string' },
    batches: { type: 'string', default: '500,100' },
    events: { type: 'string', default: '20000' },
  },
});
const { createRecorder } = (await import(args.client as string)) as { createRecorder: typeof CreateRecorder };
const EVENTS = Number(args.events);

interface Cpu {
  user: number;
  system: number;
}

const warnings: string[] = [];

async function allIn(batch: number, events: number) {
  const recorder = createRecorder({
    url: args.url,
    batchSize: batch,
    flushIntervalMs: 60_000,
    // A loaded server answers slowly: a timed-out request would be sent twice and counted twice.
    requestTimeoutMs: 600_000,
    onWarning: (warning) => void warnings.push(warning),
  });
  recorder.workflowStarted({ name: 'bench-all-in' });
  const task = recorder.taskStarted({ name: 'train', stage: 'training' });
  await recorder.flush();
  const calls: Cpu = { user: 0, system: 0 };
  const delivery: Cpu = { user: 0, system: 0 };
  const add = (to: Cpu, from: NodeJS.CpuUsage) => {
    to.user += from.user;
    to.system += from.system;
  };
  for (let k = 0; k < events / batch; k++) {
    const start = process.cpuUsage();
    for (let i = 0; i < batch; i++) recorder.logMetric('loss', i / batch, { epoch: k, taskId: task });
    add(calls, process.cpuUsage(start));
    const sent = process.cpuUsage();
    const flushed = await recorder.flush();
    add(delivery, process.cpuUsage(sent));
    if (!flushed.complete) throw new Error('all-in: events were not delivered');
  }
  const closed = await recorder.close();
  if (!closed.complete || closed.rejected > 0) throw new Error('all-in: events were not delivered');
  const per = (us: number) => Math.round((us / events) * 1000) / 1000;
  return {
    batch,
    callUs: per(calls.user + calls.system),
    deliveryUs: per(delivery.user + delivery.system),
    allInUs: per(calls.user + calls.system + delivery.user + delivery.system),
    systemUs: per(calls.system + delivery.system),
  };
}

const batches = (args.batches as string).split(',').map(Number);
// Warm-up as long as a measured run: the serializer and the HTTP path reach their optimized code only then.
await allIn(batches[0] as number, EVENTS);
const rows = [];
for (const batch of batches) rows.push(await allIn(batch, EVENTS));
if (warnings.length > 0) throw new Error(`all-in: the client warned: ${warnings.join(' / ')}`);
console.log(JSON.stringify(rows));
