import { extname } from 'node:path';
import { BadRequestError } from '../errors.ts';
import type { RdfFormat } from '../store/index.ts';

/** The interchange formats, by the short name used on the CLI and in `?format=`. */
export const FORMATS = {
  jsonld: { mediaType: 'application/ld+json', extensions: ['.jsonld', '.json'] },
  turtle: { mediaType: 'text/turtle', extensions: ['.ttl'] },
  trig: { mediaType: 'application/trig', extensions: ['.trig'] },
  nquads: { mediaType: 'application/n-quads', extensions: ['.nq'] },
  ntriples: { mediaType: 'application/n-triples', extensions: ['.nt'] },
} as const;

export type InterchangeFormat = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as InterchangeFormat[];

/** Formats that carry graph names (a triple format flattens a multi-graph export). */
export const QUAD_FORMATS: ReadonlySet<InterchangeFormat> = new Set(['jsonld', 'trig', 'nquads']);

export function mediaTypeOf(format: InterchangeFormat): string {
  return FORMATS[format].mediaType;
}

/** The store's parser/serializer media type for a non-JSON-LD format. */
export function storeFormatOf(format: Exclude<InterchangeFormat, 'jsonld'>): RdfFormat {
  return FORMATS[format].mediaType;
}

export function parseFormatName(name: string): InterchangeFormat {
  const lower = name.toLowerCase();
  const aliases: Record<string, InterchangeFormat> = {
    'json-ld': 'jsonld',
    ttl: 'turtle',
    nq: 'nquads',
    'n-quads': 'nquads',
    nt: 'ntriples',
    'n-triples': 'ntriples',
  };
  const format = (lower in FORMATS ? lower : aliases[lower]) as InterchangeFormat | undefined;
  if (!format)
    throw new BadRequestError(
      `Unknown format ${JSON.stringify(name)}; use one of ${FORMAT_NAMES.join(', ')}.`,
    );
  return format;
}

/** The format named by a media type (parameters such as `; charset=utf-8` are ignored), if any. */
export function formatOfMediaType(mediaType: string): InterchangeFormat | undefined {
  const bare = mediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (bare === 'application/json') return 'jsonld';
  return FORMAT_NAMES.find((format) => FORMATS[format].mediaType === bare);
}

export function formatOfFileName(path: string): InterchangeFormat {
  const extension = extname(path).toLowerCase();
  const format = FORMAT_NAMES.find((name) =>
    (FORMATS[name].extensions as readonly string[]).includes(extension),
  );
  if (!format) {
    throw new BadRequestError(
      `Cannot tell the RDF format of ${path} from its extension; name it .jsonld, .ttl, .trig, .nq or .nt, or pass --format.`,
    );
  }
  return format;
}
