import { readFileSync } from 'node:fs';

// Reads a V8 .cpuprofile (node --cpu-prof) and sums self time per function, optionally inside a time window (the
// monotonic clock in µs that process.hrtime reads, as V8 stamps its samples), so start-up is left out. Samples
// are wall-clock: on a loaded machine a descheduled thread's time is charged to what it was running, so compare
// shares, not milliseconds.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileSummary {
  file: string;
  /** Sampled time in the window, and the part of it spent idle (waiting for work). */
  sampledMs: number;
  idleMs: number;
  /** Functions by self time, as a share of the busy (not idle) time. */
  top: Array<{ fn: string; selfMs: number; busyPercent: number }>;
}

const IDLE = new Set(['(idle)']);

function label(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.split('/').slice(-2).join('/')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

/** `window`: [from, to] in µs of the monotonic clock (process.hrtime.bigint() / 1000n). */
export function summariseProfile(file: string, window?: [number, number], top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let at = profile.startTime;
  let sampled = 0;
  let idle = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    at += delta;
    if (window && (at < window[0] || at > window[1])) return;
    const node = byId.get(id);
    if (!node) return;
    sampled += delta;
    const name = label(node);
    if (IDLE.has(node.callFrame.functionName)) idle += delta;
    else self.set(name, (self.get(name) ?? 0) + delta);
  });
  const busy = Math.max(1, sampled - idle);
  return {
    file,
    sampledMs: Math.round(sampled / 1000),
    idleMs: Math.round(idle / 1000),
    top: [...self]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([fn, us]) => ({
        fn,
        selfMs: Math.round(us / 1000),
        busyPercent: Math.round((us / busy) * 1000) / 10,
      })),
  };
}
