import type { EventError } from './events.ts';

/**
 * A metric series: one line of a batch that stands for `count` evaluation events of one task, numbered
 * consecutively (`idPrefix` + `firstId`, `firstId` + 1, …). Both clients send a training loop's metrics this
 * way: packing a time and a value into bytes costs a fraction of formatting one JSON object per value, and the
 * body is several times smaller. Every other field (workflowExecutionId, taskId, stage, section, modelId,
 * datasetId, annotations, schema) is each event's, as given. Times and values are base64 of little-endian
 * float64: Unix seconds, cut to milliseconds as `toISOString()` shows them; NaN and ±∞ become "NaN", "INF" and
 * "-INF". `measure` (base64, one byte per event) indexes `measures`, and may be left out when there is one.
 */
export const SERIES_TYPE = 'evaluation.series';

/** Series-only fields; the rest of the line is copied into each event. */
const SERIES_FIELDS = new Set([
  'type',
  'count',
  'idPrefix',
  'firstId',
  'measures',
  'measure',
  'times',
  'values',
]);
const PER_EVENT_FIELDS = ['id', 'time', 'value'];
const MAX_COUNT = 100_000;
/** Series' events in one batch: about what a body of the default 64 MiB limit holds as one line per event. */
export const MAX_SERIES_EVENTS_PER_BATCH = 250_000;
const MAX_MEASURES = 256;
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The items of a batch with each series replaced by its events, and the item each event came from. */
export type ExpandedItems = {
  items: unknown[];
  /** `sources[i]` is the index, in the batch as sent, of the item event i came from; absent without series. */
  sources?: number[];
  errors: EventError[];
};

export function expandSeries(input: unknown[]): ExpandedItems {
  if (!input.some(isSeries)) return { items: input, errors: [] };
  const items: unknown[] = [];
  const sources: number[] = [];
  const errors: EventError[] = [];
  let fromSeries = 0;
  input.forEach((item, index) => {
    if (!isSeries(item)) {
      items.push(item);
      sources.push(index);
      return;
    }
    fromSeries += Number.isInteger(item.count) ? (item.count as number) : 0;
    if (fromSeries > MAX_SERIES_EVENTS_PER_BATCH) {
      errors.push({
        index,
        path: '/count',
        message: `the batch's series stand for more than ${MAX_SERIES_EVENTS_PER_BATCH} events: send them in smaller batches`,
      });
      return;
    }
    const expanded = seriesEvents(item, index);
    if (Array.isArray(expanded)) {
      for (const event of expanded) {
        items.push(event);
        sources.push(index);
      }
    } else errors.push(...expanded.errors);
  });
  return { items, sources, errors };
}

function isSeries(item: unknown): item is Record<string, unknown> {
  return typeof item === 'object' && item !== null && (item as { type?: unknown }).type === SERIES_TYPE;
}

function seriesEvents(
  series: Record<string, unknown>,
  index: number,
): Array<Record<string, unknown>> | { errors: EventError[] } {
  const errors: EventError[] = [];
  const fail = (path: string, message: string): void => {
    errors.push({ index, path, message });
  };
  const { count, idPrefix, firstId, measures } = series;
  if (!Number.isInteger(count) || (count as number) < 1 || (count as number) > MAX_COUNT)
    fail('/count', `must be an integer from 1 to ${MAX_COUNT}: the number of events in the series`);
  if (typeof idPrefix !== 'string' || idPrefix === '')
    fail('/idPrefix', 'must be a non-empty string: event k is idPrefix followed by firstId + k');
  const n = Number.isInteger(count) ? (count as number) : 0;
  if (
    !Number.isSafeInteger(firstId) ||
    (firstId as number) < 0 ||
    !Number.isSafeInteger((firstId as number) + n)
  )
    fail('/firstId', 'must be a non-negative integer: the number of the first event');
  const names = Array.isArray(measures) ? measures : [];
  if (
    names.length === 0 ||
    names.length > MAX_MEASURES ||
    !names.every((name) => typeof name === 'string' && name !== '')
  )
    fail('/measures', `must be a list of 1 to ${MAX_MEASURES} measure names`);
  const times = errors.length === 0 ? bytesOf(series.times, n * 8, '/times', fail) : undefined;
  const values = errors.length === 0 ? bytesOf(series.values, n * 8, '/values', fail) : undefined;
  const which =
    errors.length === 0 && (series.measure !== undefined || names.length > 1)
      ? bytesOf(series.measure, n, '/measure', fail)
      : undefined;
  if (!times || !values || errors.length > 0) return { errors };
  const shared: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(series)) if (!SERIES_FIELDS.has(key)) shared[key] = value;
  for (const key of PER_EVENT_FIELDS)
    if (key in shared) fail(`/${key}`, 'is not allowed in a series: each event has its own, from the series');
  if (errors.length > 0) return { errors };
  const events: Array<Record<string, unknown>> = [];
  for (let k = 0; k < n; k++) {
    const measure = names[which ? (which[k] as number) : 0];
    if (measure === undefined) {
      fail('/measure', `event ${k} names measure ${which?.[k]}, but measures has ${names.length}`);
      continue;
    }
    const time = isoMillis(times.readDoubleLE(k * 8));
    if (time === undefined) {
      fail('/times', `event ${k}: ${times.readDoubleLE(k * 8)} is not a Unix time in seconds`);
      continue;
    }
    events.push({
      type: 'evaluation',
      ...shared,
      id: `${idPrefix as string}${(firstId as number) + k}`,
      time,
      measure,
      value: measured(values.readDoubleLE(k * 8)),
    });
  }
  return errors.length > 0 ? { errors } : events;
}

function bytesOf(
  text: unknown,
  length: number,
  path: string,
  fail: (path: string, message: string) => void,
): Buffer | undefined {
  const expected = `must be base64 of ${length} bytes (${path === '/measure' ? 'one per event' : 'a little-endian float64 per event'})`;
  if (typeof text !== 'string' || !BASE64.test(text) || text.length !== Math.ceil(length / 3) * 4) {
    fail(path, expected);
    return undefined;
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length !== length) {
    fail(path, expected);
    return undefined;
  }
  return bytes;
}

/** The time text the clients write: whole seconds, then the milliseconds cut (never rounded up to a second). */
function isoMillis(seconds: number): string | undefined {
  if (!Number.isFinite(seconds) || seconds < 0) return undefined;
  const whole = Math.floor(seconds);
  const millis = Math.min(999, Math.floor((seconds - whole) * 1000));
  const date = new Date(whole * 1000 + millis);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

function measured(value: number): number | string {
  if (Number.isFinite(value)) return value;
  if (Number.isNaN(value)) return 'NaN';
  return value > 0 ? 'INF' : '-INF';
}

/** How many events a line of NDJSON stands for: a series' count, else 1 (also for a line that is not JSON). */
export function eventsInLine(text: string): number {
  if (!text.includes(`"${SERIES_TYPE}"`)) return 1;
  try {
    const item = JSON.parse(text) as unknown;
    const count = isSeries(item) ? item.count : undefined;
    return Number.isInteger(count) && (count as number) > 0 ? (count as number) : 1;
  } catch {
    return 1;
  }
}
