// One process of the load generator (test/bench/load-generator.ts): simulates `workers` training workers, each
// posting a small batch of evaluation events every `periodMs` to the events endpoint over keep-alive HTTP, for
// `seconds`. Reports every acknowledgement's latency and the ids of the acknowledged events to its parent.
import { Agent, request } from 'node:http';

interface WorkerArgs {
  url: string;
  prefix: string;
  workers: number;
  batch: number;
  periodMs: number;
  seconds: number;
}

export interface WorkerReport {
  sent: number;
  acked: string[];
  latenciesMs: number[];
  /** When each of those acknowledgements came (Unix ms: the processes share the clock, not `performance.now`). */
  ackedAtMs: number[];
  /** Of each worker's first batch (its workflow's start: the server reads what it holds of a new execution). */
  firstLatenciesMs: number[];
  errors: number;
  errorSamples: string[];
}

const args = JSON.parse(process.argv[2] as string) as WorkerArgs;
const agent = new Agent({ keepAlive: true, maxSockets: Math.min(args.workers, 256) });
const report: WorkerReport = {
  sent: 0,
  acked: [],
  latenciesMs: [],
  ackedAtMs: [],
  firstLatenciesMs: [],
  errors: 0,
  errorSamples: [],
};

function post(body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${args.url}/api/v1/events`,
      {
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/x-ndjson', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () =>
          res.statusCode === 202
            ? resolve(res.statusCode)
            : reject(new Error(`${res.statusCode} ${text.slice(0, 200)}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

async function worker(index: number, until: number): Promise<void> {
  const execution = `${args.prefix}-w${index}`;
  const started = {
    type: 'workflow.started',
    schema: 'provml/1',
    id: `${execution}-start`,
    time: new Date().toISOString(),
    workflowExecutionId: execution,
    name: 'load-generator',
  };
  let sequence = 0;
  let first = true;
  // Spread the workers over the period, as independent processes would be.
  await new Promise((resolve) => setTimeout(resolve, (index * args.periodMs) / args.workers));
  while (Date.now() < until) {
    const next = Date.now() + args.periodMs;
    const events: object[] = first ? [started] : [];
    const isFirst = first;
    first = false;
    for (let i = 0; i < args.batch; i++, sequence++)
      events.push({
        type: 'evaluation',
        schema: 'provml/1',
        id: `${execution}-e${sequence}`,
        time: new Date().toISOString(),
        workflowExecutionId: execution,
        measure: 'loss',
        value: 1 / (sequence + 1),
        section: { kind: 'batch', index: sequence },
      });
    const body = `${events.map((event) => JSON.stringify(event)).join('\n')}\n`;
    const ids = events.filter((event) => (event as { type: string }).type === 'evaluation');
    report.sent += ids.length;
    const t0 = performance.now();
    try {
      await post(body);
      report.latenciesMs.push(performance.now() - t0);
      report.ackedAtMs.push(Date.now());
      if (isFirst) report.firstLatenciesMs.push(performance.now() - t0);
      for (const event of ids) report.acked.push((event as { id: string }).id);
    } catch (error) {
      report.errors += 1;
      if (report.errorSamples.length < 5) report.errorSamples.push((error as Error).message);
    }
    const wait = next - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

const until = Date.now() + args.seconds * 1000;
await Promise.all(Array.from({ length: args.workers }, (_, i) => worker(i, until)));
agent.destroy();
process.send?.(report);
