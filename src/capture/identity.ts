import type { CaptureEvent } from './events.ts';

// What makes two events "the same event": their id names them (within their workflow execution), their
// content says what they claim. Idempotency is judged on the content as canonical JSON (keys sorted, absent
// fields left out), so field order or a re-serialization by a retrying client never makes a difference.

/** Which event an event is: its id within its workflow execution (ids are scoped by execution, like IRIs). */
export interface EventKey {
  workflowExecutionId: string;
  id: string;
}

export const eventKeyOf = (event: CaptureEvent): EventKey => ({
  workflowExecutionId: event.workflowExecutionId,
  id: event.id,
});

/** One string per key, for maps. */
export const eventKeyString = (key: EventKey): string => JSON.stringify([key.workflowExecutionId, key.id]);

/** The event as canonical JSON: what is recorded of it and compared when the same id comes again. */
export function eventContent(event: CaptureEvent): string {
  return canonicalJson(event);
}

/** JSON with object keys sorted (UTF-16 order) and undefined members dropped; arrays keep their order. */
export function canonicalJson(value: unknown): string {
  // Loops rather than entries/filter/map/join: this runs for every event of every batch (its record and digest).
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += `${i > 0 ? ',' : ''}${canonicalJson(value[i] ?? null)}`;
    return `${out}]`;
  }
  if (value !== null && typeof value === 'object') {
    const object = value as Record<string, unknown>;
    // The default sort compares UTF-16 code units, as `<` does.
    const keys = Object.keys(object).sort();
    let out = '{';
    for (const key of keys) {
      const member = object[key];
      if (member === undefined) continue;
      out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${canonicalJson(member)}`;
    }
    return `${out}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** Where two versions of an event first differ: a JSON pointer and both values (absent = undefined). */
export interface ContentDifference {
  path: string;
  recorded: unknown;
  sent: unknown;
}

/** The first difference between two JSON values in canonical (sorted-key) order, or undefined when equal. */
export function firstDifference(recorded: unknown, sent: unknown, path = ''): ContentDifference | undefined {
  if (canonicalJson(recorded) === canonicalJson(sent)) return undefined;
  const bothObjects =
    isPlainObject(recorded) && isPlainObject(sent)
      ? true
      : Array.isArray(recorded) && Array.isArray(sent) && recorded.length === sent.length;
  if (!bothObjects) return { path, recorded, sent };
  const a = recorded as Record<string, unknown>;
  const b = sent as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  for (const key of keys) {
    const found = firstDifference(
      a[key],
      b[key],
      `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`,
    );
    if (found) return found;
  }
  return { path, recorded, sent };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
