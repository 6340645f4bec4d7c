// Probe (temporary): delivery CPU per event with the HTTP exchange replaced by an answer at once (sink alone).
import { createRecorder } from '../../src/client/index.ts';
const batchArg = Number(process.argv[2] ?? 500);
const mode = process.argv[3] ?? 'fake';
const url = process.argv[4] ?? 'http://127.0.0.1:1';
const answer = JSON.stringify({ events: batchArg, triples: 0 });
const fake: typeof fetch = async () => new Response(answer, { status: 202 });
async function run(batch: number, events: number) {
  const recorder = createRecorder({ url, batchSize: batch, flushIntervalMs: 60_000, fetch: mode === 'fake' ? fake : undefined, onWarning: console.error });
  recorder.workflowStarted({ name: 'w' });
  const task = recorder.taskStarted({ name: 'train', stage: 'training' });
  await recorder.flush();
  let calls = 0, delivery = 0;
  for (let k = 0; k < events / batch; k++) {
    const a = process.cpuUsage();
    for (let i = 0; i < batch; i++) recorder.logMetric('loss', i / batch, { epoch: k, taskId: task });
    const b = process.cpuUsage(a); calls += b.user + b.system;
    const c = process.cpuUsage();
    await recorder.flush();
    const d = process.cpuUsage(c); delivery += d.user + d.system;
  }
  await recorder.close();
  return { batch, callUs: calls / events, deliveryUs: delivery / events };
}
await run(batchArg, 40000);
for (let r = 0; r < 3; r++) console.log(JSON.stringify(await run(batchArg, 40000)));
