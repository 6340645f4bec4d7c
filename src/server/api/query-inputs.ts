// What a catalog query request asks for: parameter values, external sources, a result format. Anything given
// that this cannot use is a 400 naming it, never silently dropped (a dropped source or format changes the answer).
import type { Request } from 'express';
import { BadRequestError } from '../../errors.ts';
import type { ParamValues } from '../../query/index.ts';
import { urlParams } from '../body.ts';

export type ResultFormat = 'json' | 'csv';

export interface QueryInputs {
  values: ParamValues;
  sources: string[];
  format?: ResultFormat;
}

const FORMATS: readonly string[] = ['json', 'csv'] satisfies ResultFormat[];
const BODY_SHAPE =
  'POST a JSON object: { "params": { "name": value, … }, "sources": [ … ], "format": "json" }';

/** Reads the URL (?name=value, source=, format=) and, for POST, the JSON body; body values win per name. */
export function queryInputs(req: Request): QueryInputs {
  const url = urlParams(req);
  if (url.has('sources'))
    throw new BadRequestError('URL parameter "sources": give each external source as its own source=….');
  const values: ParamValues = {};
  for (const key of new Set(url.keys())) {
    if (key !== 'source' && key !== 'format') values[key] = url.getAll(key);
  }
  const sources = url.getAll('source');
  const formats = url.getAll('format');
  if (formats.length > 1)
    throw new BadRequestError(`URL parameter "format" was given ${formats.length} times; give it once.`);
  let format = formats[0] === undefined ? undefined : resultFormat(formats[0], 'URL parameter "format"');
  const body = bodyObject(req.body);
  if (body) {
    Object.assign(values, bodyValues(body));
    sources.push(...bodySources(body.sources));
    if (body.format !== undefined) {
      const chosen = resultFormat(body.format, 'Field "format"');
      if (format !== undefined && format !== chosen)
        throw new BadRequestError(`"format" is ${format} in the URL but ${chosen} in the body; give one.`);
      format = chosen;
    }
  }
  return { values, sources, ...(format ? { format } : {}) };
}

/** The JSON body as an object, or undefined when there was none (GET, or an empty POST). */
function bodyObject(body: unknown): Record<string, unknown> | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw new BadRequestError(`${BODY_SHAPE}.`);
  const record = body as Record<string, unknown>;
  return Object.keys(record).length > 0 ? record : undefined;
}

/** `{ params: {…} }` alongside only sources and format, or the parameters flat at the top level. */
function bodyValues(body: Record<string, unknown>): ParamValues {
  if ('source' in body)
    throw new BadRequestError('Field "source": list external sources as "sources": [ … ].');
  const nested = 'params' in body;
  if (nested) {
    const params = body.params;
    if (typeof params !== 'object' || params === null || Array.isArray(params))
      throw new BadRequestError(`Field "params" must be an object of name → value; ${BODY_SHAPE}.`);
    const stray = Object.keys(body).find((key) => !['params', 'sources', 'format'].includes(key));
    if (stray)
      throw new BadRequestError(
        `Field "${stray}" is not understood beside "params": put query parameters inside "params".`,
      );
  }
  const entries = Object.entries(nested ? (body.params as Record<string, unknown>) : body);
  const values: ParamValues = {};
  for (const [key, value] of entries) {
    if (!nested && (key === 'sources' || key === 'format')) continue;
    if (!isParamValue(value))
      throw new BadRequestError(`Parameter "${key}": give a string, number, boolean or an array of them.`);
    values[key] = value;
  }
  return values;
}

function bodySources(sources: unknown): string[] {
  if (sources === undefined) return [];
  if (!Array.isArray(sources) || !sources.every((s) => typeof s === 'string' && s.trim() !== ''))
    throw new BadRequestError(
      'Field "sources" must be an array of SPARQL endpoint URLs or RDF file paths, e.g. ["http://127.0.0.1:7071/sparql"].',
    );
  return sources;
}

function resultFormat(value: unknown, what: string): ResultFormat {
  if (typeof value === 'string' && FORMATS.includes(value)) return value as ResultFormat;
  throw new BadRequestError(
    `${what} is ${JSON.stringify(value)}: use "json" (SPARQL JSON results) or "csv", or leave it out and send Accept.`,
  );
}

function isParamValue(value: unknown): value is ParamValues[string] {
  const scalar = (v: unknown): boolean => ['string', 'number', 'boolean'].includes(typeof v);
  return scalar(value) || (Array.isArray(value) && value.every(scalar));
}
