import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { BenchArgs } from './args.ts';
import { table } from './report.ts';

const SCRIPT = fileURLToPath(new URL('../python_overhead.py', import.meta.url));
// Debian's interpreter sees python3-torch and python3-sklearn (as in test/python/python.test.ts).
const PYTHON = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** The fields of python_overhead.py's JSON that the suite reports (see that script for how each is counted). */
export interface PythonResults {
  meta: { python: string; torch: string; loadAverageAtStart: number[]; loadAverageAtEnd?: number[] };
  perCall: Array<{
    call: string;
    callerCpuMicroseconds: number;
    senderCpuMicrosecondsPerEvent: number;
    totalCpuMicrosecondsPerEvent: number;
  }>;
  loops: Array<{
    label: string;
    stepCpuMs: number;
    stepCpuMsOff: number;
    eventsPerRun: number;
    requestsPerRun: number;
    clientCpuPercent: number;
    clientCpuPercentNetOfMeter: number;
    callerCpuMicrosecondsPerCall: number;
    senderCpuMicrosecondsPerEvent: number;
    serverCpuMsPerEvent: number;
    serverCpuPercentOfOneCore: number;
    wallOnOffRatio: number;
    allDelivered: boolean;
  }>;
  serverDown: {
    events: number;
    wallOnOffRatio: number;
    closeSeconds: number;
    closeDeadlineSeconds: number;
    spilled: number;
    ingestLandedAll: boolean;
  };
}

/** Group 6: the Python client's overhead on a real PyTorch loop (test/bench/python_overhead.py), in its own process. */
export async function pythonGroup(args: BenchArgs, notes: string[]): Promise<PythonResults> {
  const dir = mkdtempSync(join(tmpdir(), 'provml-bench-python-'));
  const out = join(dir, 'python-overhead.json');
  try {
    await promisify(execFile)(PYTHON, [SCRIPT, ...(args.quick ? ['--quick'] : []), '--out', out], {
      env: { ...process.env, PROVML_NODE: process.execPath, PYTHONDONTWRITEBYTECODE: '1' },
      timeout: 30 * 60_000,
      maxBuffer: 16 * 2 ** 20,
    });
    const results = JSON.parse(readFileSync(out, 'utf8')) as PythonResults;
    notes.push(
      `${PYTHON} (CPython ${results.meta.python}, torch ${results.meta.torch}), load average ${results.meta.loadAverageAtStart.join(' ')} at start`,
      'client CPU = CPU inside provml calls on the training thread (time.thread_time) + CPU of the sender thread, over the training CPU; on and off runs alternate, medians of the repeats; the server is a real `provml serve` on the same cores',
    );
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function pythonSection(results: PythonResults): string {
  const calls = table(
    ['Python call', 'caller µs CPU', 'sender µs CPU/event', 'total µs CPU/event'],
    results.perCall.map((call) => [
      call.call,
      call.callerCpuMicroseconds,
      call.senderCpuMicrosecondsPerEvent,
      call.totalCpuMicrosecondsPerEvent,
    ]),
  );
  const loops = table(
    [
      'PyTorch loop',
      'step CPU ms (on/off)',
      'events',
      'requests',
      'client CPU %',
      'net of meter %',
      'caller µs/call',
      'sender µs/event',
      'server ms CPU/event',
      'server % of a core',
      'wall on/off',
    ],
    results.loops.map((loop) => [
      loop.label,
      `${loop.stepCpuMs} / ${loop.stepCpuMsOff}`,
      loop.eventsPerRun,
      loop.requestsPerRun,
      loop.clientCpuPercent,
      loop.clientCpuPercentNetOfMeter,
      loop.callerCpuMicrosecondsPerCall,
      loop.senderCpuMicrosecondsPerEvent,
      loop.serverCpuMsPerEvent,
      loop.serverCpuPercentOfOneCore,
      loop.wallOnOffRatio,
    ]),
  );
  const down = results.serverDown;
  return [
    calls,
    '',
    loops,
    '',
    `server down: wall on/off ${down.wallOnOffRatio}; close() ${down.closeSeconds} s (deadline ${down.closeDeadlineSeconds} s); ${down.spilled} of ${down.events} events spilled; provml ingest landed all: ${down.ingestLandedAll}`,
  ].join('\n');
}
