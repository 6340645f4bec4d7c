// CPU per event of the capture path below HTTP, side by side with another checkout:
//   node --import tsx test/bench/ledger-cpu.ts --base /path/to/other/checkout [--workers 1000] [--rounds 6] [--runs 2]
// Each run is a fresh process on a fresh durable store: `workers` concurrent executions each record `rounds` batches
// of 5 evaluation events (validate, then EventLedger.record: translation, WAL append and group fsync, the engine
// worker's load, the online-state refresh), after one unmeasured batch each (their workflows' start). It reports
// process CPU per event split by thread (main, engine and check workers, V8's helpers) from /proc, alternating this
// tree and the base. Unlike the load generator it leaves HTTP out, and it is far less disturbed by other load on
// the machine, as it measures CPU time of its own threads only (compare ratios from one session, not across them).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    workers: { type: 'string', default: '1000' },
    rounds: { type: 'string', default: '6' },
    runs: { type: 'string', default: '2' },
    child: { type: 'string' },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const BATCH = 5;
const TICKS_PER_SECOND = 100; // Linux USER_HZ, the unit of /proc/<pid>/stat times

interface RunResult {
  events: number;
  wallMs: number;
  /** µs of CPU per event, by thread group. */
  perEvent: Record<string, number>;
}

/** CPU seconds of each of this process's threads, by name (Node names its engine workers WorkerThread). */
function threadSeconds(): Map<string, { group: string; seconds: number }> {
  const out = new Map<string, { group: string; seconds: number }>();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim();
      const fields = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      const group =
        Number(tid) === process.pid
          ? 'main'
          : comm === 'WorkerThread'
            ? 'workerThreads'
            : comm.startsWith('V8')
              ? 'v8'
              : 'other';
      out.set(tid, { group, seconds });
    } catch {
      // the thread ended between the listing and the read
    }
  }
  return out;
}

async function measure(root: string): Promise<RunResult> {
  const { openDurableStore } = await import(join(root, 'src/store/index.ts'));
  const { createEventLedger, checkBatch } = await import(join(root, 'src/translate/index.ts'));
  const { createLogger } = await import(join(root, 'src/logger.ts'));
  const dir = mkdtempSync(join(tmpdir(), 'provml-ledger-cpu-'));
  const store = await openDurableStore({ dir, queryTimeoutMs: 60_000, logger: createLogger('warn') });
  const ledger = createEventLedger(store);
  const workers = Number(args.workers);
  const rounds = Number(args.rounds);
  const execution = (w: number): string => `lc-w${w}`;
  const evaluation = (w: number, seq: number): object => ({
    type: 'evaluation',
    schema: 'provml/1',
    id: `${execution(w)}-e${seq}`,
    time: new Date().toISOString(),
    workflowExecutionId: execution(w),
    measure: 'loss',
    value: 1 / (seq + 1),
    section: { kind: 'batch', index: seq },
  });
  const post = async (items: object[]): Promise<void> => {
    // As the server gets them: NDJSON lines, each parsed.
    const parsed = items.map((item) => JSON.parse(JSON.stringify(item)));
    const checked = checkBatch(parsed, { format: 'provml' });
    if (!checked.ok) throw new Error(`invalid batch: ${JSON.stringify(checked.errors[0])}`);
    const outcome = await ledger.record(checked.events, 'refuse');
    if (!outcome.ok) throw new Error(`conflict: ${outcome.conflicts[0]?.message}`);
  };
  const batch = (w: number, round: number): object[] =>
    Array.from({ length: BATCH }, (_, i) => evaluation(w, round * BATCH + i));
  try {
    const start = (w: number): object => ({
      type: 'workflow.started',
      schema: 'provml/1',
      id: `${execution(w)}-start`,
      time: new Date().toISOString(),
      workflowExecutionId: execution(w),
      name: 'ledger-cpu',
    });
    await Promise.all(Array.from({ length: workers }, (_, w) => post([start(w), ...batch(w, 0)])));
    await ledger.settled();
    const before = threadSeconds();
    const started = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        for (let round = 1; round <= rounds; round++) await post(batch(w, round));
      }),
    );
    await ledger.settled();
    const wallMs = performance.now() - started;
    const events = workers * rounds * BATCH;
    const perEvent: Record<string, number> = { total: 0 };
    for (const [tid, now] of threadSeconds()) {
      const us = ((now.seconds - (before.get(tid)?.seconds ?? 0)) * 1e6) / events;
      perEvent[now.group] = (perEvent[now.group] ?? 0) + us;
      perEvent.total = (perEvent.total ?? 0) + us;
    }
    return { events, wallMs: Math.round(wallMs), perEvent };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (args.child) {
  process.stdout.write(JSON.stringify(await measure(args.child)));
} else {
  const self = fileURLToPath(import.meta.url);
  const roots: Array<[string, string]> = [['this', resolve(here, '../..')]];
  if (args.base) roots.push(['base', resolve(args.base)]);
  const rows = [];
  for (let run = 0; run < Number(args.runs); run++) {
    for (const [tree, root] of roots) {
      const text = execFileSync(
        process.execPath,
        [
          '--import',
          'tsx',
          self,
          '--child',
          root,
          '--workers',
          String(args.workers),
          '--rounds',
          String(args.rounds),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] },
      );
      const result = JSON.parse(text) as RunResult;
      const round = (n: number | undefined): number => Math.round((n ?? 0) * 10) / 10;
      rows.push({
        tree,
        events: result.events,
        wallMs: result.wallMs,
        totalUs: round(result.perEvent.total),
        mainUs: round(result.perEvent.main),
        workerThreadsUs: round(result.perEvent.workerThreads),
        v8Us: round(result.perEvent.v8),
        otherUs: round(result.perEvent.other),
        load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
      });
    }
  }
  console.table(rows);
}
