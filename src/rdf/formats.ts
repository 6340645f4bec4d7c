// The one registry of RDF syntaxes: name, media types, file extensions, whether it carries graph names,
// and who parses and serializes it (Oxigraph natively, or jsonld for JSON-LD).
import { extname } from 'node:path';
import {
  bareMediaType,
  JSON_LD,
  JSON_MEDIA_TYPE,
  N_QUADS,
  N_TRIPLES,
  RDF_XML,
  TRIG,
  TURTLE,
} from './media-types.ts';

export type RdfSyntaxName = 'turtle' | 'ntriples' | 'nquads' | 'trig' | 'jsonld' | 'rdfxml';

/** The syntaxes Oxigraph (the store's engine) parses and serializes itself. */
export type NativeMediaType =
  | typeof TURTLE
  | typeof N_TRIPLES
  | typeof N_QUADS
  | typeof TRIG
  | typeof RDF_XML;
export type RdfMediaType = NativeMediaType | typeof JSON_LD;

export interface RdfSyntax {
  name: RdfSyntaxName;
  /** The canonical media type, written in Content-Type. */
  mediaType: RdfMediaType;
  /** Further media types read as this format. */
  alsoMediaTypes: readonly string[];
  /** Other short names accepted by `--format` and `?format=`. */
  aliases: readonly string[];
  extensions: readonly string[];
  /** Carries graph names (a triple format flattens several graphs into one). */
  quads: boolean;
  /** Parsed and serialized by Oxigraph; otherwise by jsonld. */
  native: boolean;
}

/** In content-negotiation order: the first is the default for graphs. */
export const RDF_SYNTAXES: readonly RdfSyntax[] = [
  format('turtle', TURTLE, ['ttl'], ['.ttl', '.turtle'], false),
  format('ntriples', N_TRIPLES, ['nt', 'n-triples'], ['.nt'], false),
  format('nquads', N_QUADS, ['nq', 'n-quads'], ['.nq'], true),
  format('trig', TRIG, [], ['.trig'], true),
  {
    ...format('jsonld', JSON_LD, ['json-ld'], ['.jsonld', '.json'], true),
    native: false,
    alsoMediaTypes: [JSON_MEDIA_TYPE],
  },
  format('rdfxml', RDF_XML, ['rdf/xml'], ['.rdf', '.owl', '.xml'], false),
];

function format(
  name: RdfSyntaxName,
  mediaType: RdfMediaType,
  aliases: string[],
  extensions: string[],
  quads: boolean,
): RdfSyntax {
  return { name, mediaType, alsoMediaTypes: [], aliases, extensions, quads, native: true };
}

/** Media types for RDF graphs, default first. */
export const RDF_MEDIA_TYPES: readonly RdfMediaType[] = RDF_SYNTAXES.map((f) => f.mediaType);
/** The syntaxes the store loads and dumps itself. */
export const NATIVE_MEDIA_TYPES: readonly NativeMediaType[] = RDF_SYNTAXES.filter((f) => f.native).map(
  (f) => f.mediaType as NativeMediaType,
);

/** By short name (turtle, ttl, nquads, json-ld, …), case-insensitive. */
export function syntaxByName(name: string): RdfSyntax | undefined {
  const lower = name.trim().toLowerCase();
  return RDF_SYNTAXES.find((f) => f.name === lower || f.aliases.includes(lower));
}

/** By media type; parameters such as `; charset=utf-8` are ignored. */
export function syntaxByMediaType(mediaType: string): RdfSyntax | undefined {
  const bare = bareMediaType(mediaType);
  return RDF_SYNTAXES.find((f) => f.mediaType === bare || f.alsoMediaTypes.includes(bare));
}

/** By a file name's extension. */
export function syntaxOfFile(path: string): RdfSyntax | undefined {
  const extension = extname(path).toLowerCase();
  return RDF_SYNTAXES.find((f) => f.extensions.includes(extension));
}

/** By short name or media type. */
export function syntaxOf(nameOrMediaType: string): RdfSyntax | undefined {
  return syntaxByMediaType(nameOrMediaType) ?? syntaxByName(nameOrMediaType);
}

export function syntaxNamed(name: RdfSyntaxName): RdfSyntax {
  return RDF_SYNTAXES.find((f) => f.name === name) as RdfSyntax;
}

export function isQuadMediaType(mediaType: string): boolean {
  return syntaxByMediaType(mediaType)?.quads === true;
}

export function isNativeMediaType(mediaType: string): mediaType is NativeMediaType {
  return (NATIVE_MEDIA_TYPES as readonly string[]).includes(mediaType);
}
