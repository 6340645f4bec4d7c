import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import schema from './events.schema.json' with { type: 'json' };
import type { CaptureEvent, EventError, ValidationResult } from './events.ts';
import { expandSeries, SERIES_TYPE } from './series.ts';

// Same rule as the store's IRI check (IRIREF forbids these characters), kept here so capture needs no RDF.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what must be rejected
const ABSOLUTE_IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\u0000-\u0020<>"{}|^`\\]*$/;
const ATTRIBUTE_PATH = /^\/(used|generated)\/[^/]+$/;
const ATTRIBUTE_EXPECTATION =
  'must be a number, string, boolean, { value, role? }, { ref, kind, role? } or { uri, role? }';
const TIME_EXAMPLE = 'e.g. 2024-05-01T12:00:00.000Z';
const MEASURE_EXPECTATION =
  'must be a number (or "NaN", "INF", "-INF"): a measured value becomes a model evaluation, which is numeric';

type EventValidator = ReturnType<Ajv2020['compile']>;
let compiled: EventValidator | undefined;

/** The schema is compiled on first use, so importing the capture layer costs nothing at start-up. */
function eventValidator(): EventValidator {
  if (compiled) return compiled;
  const ajv = new Ajv2020({
    allErrors: true,
    strict: true,
    strictRequired: false,
    strictTypes: false,
    allowUnionTypes: true,
  });
  // RFC 3339 date-time that JavaScript can also represent (a leap second such as 23:59:60 cannot become a Date).
  const rfc3339 = fullFormats['date-time'] as { validate: (value: string) => boolean };
  ajv.addFormat(
    'date-time',
    (value: string) => rfc3339.validate(value) && Number.isFinite(Date.parse(value)),
  );
  ajv.addFormat('iri', ABSOLUTE_IRI);
  compiled = ajv.compile(schema);
  return compiled;
}

/** The published JSON Schema (draft 2020-12) of one event. */
export const eventJsonSchema: object = schema;

/**
 * Validates a batch (an array of events) in full: every bad event is reported with its index, the JSON pointer
 * of the offending field inside that event, and what was expected. Unknown extra fields are accepted.
 */
export function validateBatch(input: unknown): ValidationResult {
  if (!Array.isArray(input)) return notABatch('events');
  const { items, sources, errors } = expandSeries(input);
  items.forEach((event, index) => {
    const findings = validateOne(event, index);
    if (findings.length > 0) errors.push(...(sources ? inSeries(findings, event, input, sources) : findings));
  });
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.index - b.index) };
  return { ok: true, events: items as CaptureEvent[], ...(sources ? { sources } : {}) };
}

/** Findings name the item as sent: a series' line, with the event by its id. */
function inSeries(findings: EventError[], event: unknown, input: unknown[], sources: number[]): EventError[] {
  return findings.map((finding) => {
    const index = sources[finding.index] ?? finding.index;
    if ((input[index] as { type?: unknown } | null)?.type !== SERIES_TYPE) return { ...finding, index };
    const id = String((event as { id?: unknown }).id);
    return { ...finding, index, message: `${finding.message} (event ${id} of the series)` };
  });
}

/** The answer for a body that is not a JSON array: one finding, at no index. */
export function notABatch(of: string): ValidationResult {
  return { ok: false, errors: [{ index: -1, path: '', message: `the batch must be a JSON array of ${of}` }] };
}

/** Findings for one event at a given batch index (empty when valid). */
export function validateOne(event: unknown, index: number): EventError[] {
  const validateEvent = eventValidator();
  if (validateEvent(event)) return [];
  const seen = new Set<string>();
  const errors: EventError[] = [];
  for (const error of validateEvent.errors ?? []) {
    if (error.keyword === 'if') continue;
    const finding = describe(error, index);
    const key = `${finding.path}\u0000${finding.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(finding);
  }
  return errors;
}

function describe(error: ErrorObject, index: number): EventError {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return { index, path: `${error.instancePath}/${String(params.missingProperty)}`, message: 'is required' };
  }
  return { index, path: error.instancePath, message: expectation(error, params) };
}

function expectation(error: ErrorObject, params: Record<string, unknown>): string {
  if (error.schemaPath.includes('/$defs/Measure/')) return MEASURE_EXPECTATION;
  switch (error.keyword) {
    case 'type':
      if (error.instancePath === '') return 'must be an object (a capture event)';
      if (ATTRIBUTE_PATH.test(error.instancePath)) return ATTRIBUTE_EXPECTATION;
      return `must be of type ${listOf(params.type)}`;
    case 'enum':
      return `must be one of ${listOf(params.allowedValues, true)}`;
    case 'const':
      return error.instancePath === '/schema'
        ? 'must be "provml/1", the event schema version this server accepts'
        : `must be ${JSON.stringify(params.allowedValue)}`;
    case 'format':
    case 'pattern':
      if (params.format === 'iri')
        return 'must be an absolute IRI without spaces, <, >, ", {, }, |, ^, ` or \\';
      return `must be an ISO-8601 date-time in UTC (${TIME_EXAMPLE})`;
    case 'minLength':
      return 'must be a non-empty string';
    case 'minimum':
      return `must be >= ${String(params.limit)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function listOf(value: unknown, quote = false): string {
  const items = Array.isArray(value) ? value : String(value).split(',');
  return items.map((item) => (quote ? JSON.stringify(item) : String(item))).join(', ');
}
