import { SPARQL_RESULTS_JSON } from '../../../src/rdf/index.ts';
import type { OxigraphEngine } from '../../../src/store/engine.ts';
import { type EngineQuery, toEngineQuery } from '../../../src/store/prepare/engine-query.ts';
import { errorText, round, type Summary, summarize } from '../suite/stats.ts';
import type { BoundEntry } from '../virtuoso/catalog.ts';

// The three ways one catalog query is answered here. Each lane's time ends when its SPARQL JSON body is a
// complete string in this process; counting the rows (JSON.parse) comes after and is not timed, so the
// lanes differ only by what provml adds around the engine.

export type LaneName = 'raw' | 'catalog' | 'sparql';

/** One catalog query with its bound text and the query as the store hands it to its engine. */
export interface PreparedItem extends BoundEntry {
  text: string;
  query?: EngineQuery;
}

export interface LaneFigure extends Partial<Summary> {
  status: 'ok' | 'timeout' | 'error';
  rows?: number;
  bodyBytes?: number;
  detail?: string;
  /** Requests sent again because the connection they went out on had been closed by the server while idle. */
  staleRetries?: number;
}

type Run = (item: PreparedItem, budgetMs: number) => Promise<string>;

/** The query as the embedded store gives it to its engine: the union default graph, as the catalog asks. */
export const engineQuery = (text: string): EngineQuery => toEngineQuery(text, { unionDefaultGraph: true });

const ACCEPT = { results: SPARQL_RESULTS_JSON, graph: 'application/n-triples' };

/**
 * Oxigraph's query() on this thread, through the one class that calls it (the durable store's worker runs
 * the same OxigraphEngine.query, so text and options are the worker's): the body string Oxigraph produces.
 */
export const rawLane =
  (engine: OxigraphEngine): Run =>
  async (item) => {
    if (!item.query) throw new Error('not prepared');
    const answer = engine.query(item.query, ACCEPT);
    if (answer.kind !== 'serialized') throw new Error(`engine answered ${answer.kind}`);
    return answer.body;
  };

async function bodyOf(res: Response): Promise<string> {
  const text = await res.text();
  if (!res.ok) throw new Error(`HTTP ${res.status}: ${text.slice(0, 300)}`);
  return text;
}

/** GET /api/v1/queries/NAME?params, as a client of the catalog sends it. */
export const catalogLane =
  (baseUrl: string): Run =>
  async (item, budgetMs) => {
    const url = new URL(`${baseUrl}/api/v1/queries/${encodeURIComponent(item.entry.name)}`);
    for (const [name, value] of Object.entries(item.params)) {
      if (value === undefined) continue;
      for (const one of Array.isArray(value) ? value : [value]) url.searchParams.append(name, String(one));
    }
    return bodyOf(
      await fetch(url, {
        headers: { accept: SPARQL_RESULTS_JSON },
        signal: AbortSignal.timeout(budgetMs),
      }),
    );
  };

/** POST /sparql with the bound text (the SPARQL protocol's direct POST). */
export const sparqlLane =
  (baseUrl: string): Run =>
  async (item, budgetMs) =>
    bodyOf(
      await fetch(`${baseUrl}/sparql`, {
        method: 'POST',
        headers: { accept: SPARQL_RESULTS_JSON, 'content-type': 'application/sparql-query' },
        body: item.text,
        signal: AbortSignal.timeout(budgetMs),
      }),
    );

interface LaneState {
  name: LaneName;
  run: Run;
  samples: number[];
  rows?: number;
  bodyBytes?: number;
  failed?: LaneFigure;
  staleRetries?: number;
}

const withCause = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  return cause
    ? `${errorText(error)} (${[cause.code, cause.message].filter(Boolean).join(': ')})`
    : errorText(error);
};

/** undici's error for a keep-alive connection the server had closed (`fetch failed`, cause UND_ERR_SOCKET). */
function staleConnection(error: unknown): boolean {
  const cause = (error as { cause?: { code?: string } } | undefined)?.cause;
  return error instanceof TypeError && cause?.code === 'UND_ERR_SOCKET';
}

/** One run of a lane, timed until its body is a complete string. */
async function timedRun(
  run: Run,
  item: PreparedItem,
  budgetMs: number,
): Promise<{ body: string; ms: number; staleRetry: boolean }> {
  const started = performance.now();
  try {
    const body = await run(item, budgetMs);
    return { body, ms: performance.now() - started, staleRetry: false };
  } catch (error) {
    if (!staleConnection(error)) throw error;
    // The raw lane holds this thread for seconds, so the client cannot see the server close an idle
    // keep-alive connection before it reuses it. That is this process's doing: the request is sent again,
    // and only that one is timed.
    const again = performance.now();
    const body = await run(item, budgetMs);
    return { body, ms: performance.now() - again, staleRetry: true };
  }
}

/** Warm-up time per round, each lane's runs summed over the queries (ms), to show the start-up cost. */
export type WarmUpFigures = Record<LaneName, number[]>;

/** A query this slow gets one warm-up round: one run makes the engine's code for it hot, and more cost seconds. */
const WARM_AFTER_MS = 1000;

/**
 * Before anything is timed: `rounds` rounds of every query on every lane, in the lanes' order (the catalog
 * lane first, so a query past the budget is cut off over HTTP before the raw lane runs it). Why: a process
 * serves its first requests slowly (the server's JavaScript not yet compiled, sparqljs's parser cold, the
 * engine worker's WebAssembly not yet tiered up, and those compilations competing for the machine's two
 * cores). With one warm-up per query, the first query in the list paid that start-up for every lane but raw:
 * best-model-hyperparameters, first alphabetically, measured 1.37× / 1.43× at stop 16 (the one miss), and
 * failed-tasks, put first in a run of the same three queries, went to 2.0× / 2.3× (1.01× / 1.03× at stop 16). A query that fails here is left to runInterleaved, which finds and records
 * the failure. Returns the time each lane took per round, which is the start-up cost this leaves out.
 */
export async function warmUp(
  lanes: ReadonlyArray<{ name: LaneName; run: Run }>,
  items: readonly PreparedItem[],
  rounds: number,
  budgetMs: number,
): Promise<WarmUpFigures> {
  const figures = Object.fromEntries(lanes.map((lane) => [lane.name, [] as number[]])) as WarmUpFigures;
  const warming = new Set(items.filter((item) => item.query));
  for (let done = 0; done < rounds; done++) {
    const spent = new Map(lanes.map((lane) => [lane.name, 0]));
    for (const item of [...warming]) {
      for (const lane of lanes) {
        try {
          const { ms } = await timedRun(lane.run, item, budgetMs);
          spent.set(lane.name, (spent.get(lane.name) ?? 0) + ms);
          if (ms >= WARM_AFTER_MS) warming.delete(item);
        } catch {
          warming.delete(item);
          break;
        }
      }
    }
    for (const lane of lanes) figures[lane.name].push(round(spent.get(lane.name) ?? 0));
  }
  return figures;
}

const rowCount = (body: string): number =>
  (JSON.parse(body) as { results: { bindings: unknown[] } }).results.bindings.length;

/**
 * One query on every lane: a warm-up on each (the catalog lane first: over HTTP a query past the budget is
 * cut off, so a query that would hold this thread for long in the raw lane is found before it runs there),
 * then `reps` rounds of one run per lane, the order reversed every round.
 */
export async function runInterleaved(
  lanes: ReadonlyArray<{ name: LaneName; run: Run }>,
  item: PreparedItem,
  reps: number,
  budgetMs: number,
): Promise<Record<LaneName, LaneFigure>> {
  const states: LaneState[] = lanes.map((lane) => ({ ...lane, samples: [] }));
  const attempt = async (lane: LaneState, warmup: boolean): Promise<void> => {
    try {
      const { body, ms, staleRetry } = await timedRun(lane.run, item, budgetMs);
      if (staleRetry) lane.staleRetries = (lane.staleRetries ?? 0) + 1;
      lane.rows = rowCount(body);
      lane.bodyBytes = Buffer.byteLength(body);
      if (!warmup) lane.samples.push(ms);
    } catch (error) {
      const timedOut = error instanceof Error && /timeout|timed out|aborted/i.test(errorText(error));
      lane.failed = timedOut
        ? { status: 'timeout', detail: `no answer within ${budgetMs / 1000} s` }
        : { status: 'error', detail: withCause(error) };
    }
  };
  for (const lane of states) {
    await attempt(lane, true);
    if (lane.failed) break; // no lane runs a query another could not answer in time
  }
  const failed = states.find((lane) => lane.failed)?.failed;
  if (!failed) {
    for (let round = 0; round < reps; round++) {
      const order = round % 2 === 0 ? states : [...states].reverse();
      for (const lane of order) if (!lane.failed) await attempt(lane, false);
    }
  }
  const out = {} as Record<LaneName, LaneFigure>;
  for (const lane of states) {
    out[lane.name] = lane.failed ??
      (failed ? { status: failed.status, detail: 'not run: another lane failed' } : undefined) ?? {
        status: 'ok',
        ...summarize(lane.samples),
        rows: lane.rows,
        bodyBytes: lane.bodyBytes,
        ...(lane.staleRetries ? { staleRetries: lane.staleRetries } : {}),
      };
  }
  return out;
}
