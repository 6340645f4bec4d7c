import { BadRequestError } from '../errors.ts';
import {
  type NativeMediaType,
  type RdfSyntax,
  syntaxByMediaType,
  syntaxByName,
  syntaxNamed,
  syntaxOfFile,
} from '../rdf/index.ts';

/** The formats of export and import (a subset of the RDF kernel's registry), by their short names. */
export const FORMAT_NAMES = ['jsonld', 'turtle', 'trig', 'nquads', 'ntriples'] as const;
export type InterchangeFormat = (typeof FORMAT_NAMES)[number];

function interchangeName(format: RdfSyntax | undefined): InterchangeFormat | undefined {
  return (FORMAT_NAMES as readonly string[]).includes(format?.name ?? '')
    ? (format?.name as InterchangeFormat)
    : undefined;
}

export function interchangeMediaType(format: InterchangeFormat): string {
  return syntaxNamed(format).mediaType;
}

/** The store's parser/serializer media type for a non-JSON-LD format. */
export function storeFormatOf(format: Exclude<InterchangeFormat, 'jsonld'>): NativeMediaType {
  return syntaxNamed(format).mediaType as NativeMediaType;
}

export function parseFormatName(name: string): InterchangeFormat {
  const format = interchangeName(syntaxByName(name));
  if (!format)
    throw new BadRequestError(
      `Unknown format ${JSON.stringify(name)}; use one of ${FORMAT_NAMES.join(', ')}.`,
    );
  return format;
}

/** The format named by a media type (parameters such as `; charset=utf-8` are ignored), if any. */
export function formatOfMediaType(mediaType: string): InterchangeFormat | undefined {
  return interchangeName(syntaxByMediaType(mediaType));
}

export function formatOfFileName(path: string): InterchangeFormat {
  const format = interchangeName(syntaxOfFile(path));
  if (!format) {
    throw new BadRequestError(
      `Cannot tell the RDF format of ${path} from its extension; name it .jsonld, .ttl, .trig, .nq or .nt, or pass --format.`,
    );
  }
  return format;
}
