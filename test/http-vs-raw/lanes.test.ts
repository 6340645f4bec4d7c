import { afterEach, describe, expect, it, vi } from 'vitest';
import { type LaneName, type PreparedItem, warmUp } from '../bench/http-vs-raw/lanes.ts';

// The bench's warm-up, with lanes that only record what they were asked to run.

const item = (name: string, prepared = true): PreparedItem =>
  ({
    entry: { name },
    params: {},
    text: `# ${name}`,
    ...(prepared ? { query: { text: `# ${name}`, form: 'select', unionDefaultGraph: true } } : {}),
  }) as unknown as PreparedItem;

type Behaviour = (lane: LaneName, name: string) => void;

function recordingLanes(behaviour: Behaviour = () => {}) {
  const calls: string[] = [];
  const lane = (name: LaneName) => ({
    name,
    run: async (query: PreparedItem) => {
      calls.push(`${name} ${query.entry.name}`);
      behaviour(name, query.entry.name);
      return '{"results":{"bindings":[]}}';
    },
  });
  return { calls, lanes: [lane('catalog'), lane('raw'), lane('sparql')] };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('warmUp (http-vs-raw bench)', () => {
  it('runs every query on every lane, catalog first, for each round before anything is timed', async () => {
    const { calls, lanes } = recordingLanes();
    const figures = await warmUp(lanes, [item('a'), item('b')], 2, 1000);
    const round = ['catalog a', 'raw a', 'sparql a', 'catalog b', 'raw b', 'sparql b'];
    expect(calls).toEqual([...round, ...round]);
    expect(Object.keys(figures)).toEqual(['catalog', 'raw', 'sparql']);
    for (const perRound of Object.values(figures)) expect(perRound).toHaveLength(2);
  });

  it('runs nothing with no rounds, and skips a query that could not be prepared', async () => {
    const none = recordingLanes();
    expect(await warmUp(none.lanes, [item('a')], 0, 1000)).toEqual({ catalog: [], raw: [], sparql: [] });
    expect(none.calls).toEqual([]);
    const unprepared = recordingLanes();
    await warmUp(unprepared.lanes, [item('a', false), item('b')], 1, 1000);
    expect(unprepared.calls).toEqual(['catalog b', 'raw b', 'sparql b']);
  });

  it('never runs on the raw lane a query the catalog lane could not answer, in this round or later ones', async () => {
    const { calls, lanes } = recordingLanes((lane, name) => {
      if (lane === 'catalog' && name === 'slow') throw new Error('The operation was aborted due to timeout');
    });
    await warmUp(lanes, [item('slow'), item('b')], 3, 1000);
    expect(calls.filter((call) => call.endsWith(' slow'))).toEqual(['catalog slow']);
    expect(calls.filter((call) => call.endsWith(' b'))).toHaveLength(9);
  });

  it('warms a query of a second or more in one round only', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const { calls, lanes } = recordingLanes((_lane, name) => {
      if (name === 'long') vi.advanceTimersByTime(1500);
    });
    await warmUp(lanes, [item('long'), item('b')], 3, 60_000);
    expect(calls.filter((call) => call.endsWith(' long'))).toEqual([
      'catalog long',
      'raw long',
      'sparql long',
    ]);
    expect(calls.filter((call) => call.endsWith(' b'))).toHaveLength(9);
  });
});
