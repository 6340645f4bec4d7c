import { SPARQL_RESULTS_JSON } from '../../../src/rdf/index.ts';
import type { OxigraphEngine } from '../../../src/store/engine.ts';
import { type EngineQuery, toEngineQuery } from '../../../src/store/prepare/engine-query.ts';
import { errorText, type Summary, summarize } from '../suite/stats.ts';
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
      let started = performance.now();
      let body: string;
      try {
        body = await lane.run(item, budgetMs);
      } catch (error) {
        if (!staleConnection(error)) throw error;
        // The raw lane holds this thread for seconds, so the client cannot see the server close an idle
        // keep-alive connection before it reuses it. That is this process's doing: the request is sent again,
        // and only that one is timed.
        lane.staleRetries = (lane.staleRetries ?? 0) + 1;
        started = performance.now();
        body = await lane.run(item, budgetMs);
      }
      const ms = performance.now() - started;
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
