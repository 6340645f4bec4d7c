import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchArgs } from './args.ts';
import { runBenchScript } from './child-script.ts';
import { errorText, round } from './stats.ts';

const SCRIPT = fileURLToPath(new URL('../capture-overhead.ts', import.meta.url));

/** The fields of capture-overhead.ts's JSON that the suite reports. */
interface CaptureOverheadJson {
  calls: Array<{ call: string; ns: number }>;
  delivery: { events: number; seconds: number; eventsPerSecond: number; triples?: number };
  trainingLoop: {
    epochs: number;
    stepsPerEpoch: number;
    repeats: number;
    stepMs: number;
    /** Medians over the repeats, capture off and on alternately (see test/bench/capture-overhead.ts). */
    loops: Array<{
      logging: string;
      events: number;
      eventsPerSecond: number;
      wallMs: number;
      cpuMs: number;
      wallOverheadPercent: number;
      cpuOverheadPercent: number;
    }>;
  };
}

export interface CaptureResults {
  callNs: Record<string, number>;
  loops: Array<{
    logging: string;
    /** Median wall-clock time of the loop. */
    medianMs: number;
    eventsPerSecond: number;
    /** Measured on process CPU time: (with capture − without) ÷ without, in %, delivery work included. */
    overheadPercent: number;
    /** on ÷ off wall-clock medians. */
    ratio: number;
    /** Computed: events/s × ns per logMetric call: the caller-side cost alone, free of timing noise. */
    derivedOverheadPercent: number;
  }>;
  stepMs: number;
  delivery: CaptureOverheadJson['delivery'];
  raw: CaptureOverheadJson;
}

/** Group 1: runs the client's own benchmark (test/bench/capture-overhead.ts) in a child process. */
export async function captureGroup(args: BenchArgs, notes: string[]): Promise<CaptureResults> {
  if (!existsSync(SCRIPT))
    throw new Error('test/bench/capture-overhead.ts (the client benchmark) is missing');
  let raw: CaptureOverheadJson;
  try {
    raw = await runBenchScript<CaptureOverheadJson>(SCRIPT, args.quick ? ['--quick'] : [], 15 * 60_000);
  } catch (error) {
    if (args.quick) throw error;
    // The full-length run failing should not leave the suite without any capture figure.
    notes.push(
      `the full-length capture-overhead.ts run failed (${errorText(error).slice(0, 300)}); these figures are from its --quick run`,
    );
    raw = await runBenchScript<CaptureOverheadJson>(SCRIPT, ['--quick'], 15 * 60_000);
  }
  const callNs = Object.fromEntries(raw.calls.map((call) => [call.call, call.ns]));
  const metricNs = callNs.logMetric ?? Number.NaN;
  const off = raw.trainingLoop.loops.find((loop) => loop.logging === 'off')?.wallMs ?? Number.NaN;
  notes.push(
    `training loop: ${raw.trainingLoop.epochs} epochs × ${raw.trainingLoop.stepsPerEpoch} CPU-bound steps of ~${raw.trainingLoop.stepMs} ms, capture off and on alternately, median of ${raw.trainingLoop.repeats}; the recorder sends to an in-process server over HTTP, so delivery work is charged to the loop`,
  );
  notes.push(
    'derived overhead = events per second of the loop × ns per logMetric call: the synchronous caller-side cost only',
  );
  return {
    callNs,
    stepMs: raw.trainingLoop.stepMs,
    delivery: raw.delivery,
    loops: raw.trainingLoop.loops.map((loop) => ({
      logging: loop.logging,
      medianMs: loop.wallMs,
      eventsPerSecond: loop.eventsPerSecond,
      overheadPercent: loop.cpuOverheadPercent,
      ratio: round(loop.wallMs / off),
      derivedOverheadPercent: round((loop.eventsPerSecond * metricNs) / 1e7),
    })),
    raw,
  };
}
