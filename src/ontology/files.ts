import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequestError } from '../errors.ts';
import type { RdfFormat } from '../store/index.ts';

/** `ontology/` of this checkout (the shipped PROV-ML, its shapes, context and imports). */
export const DEFAULT_ONTOLOGY_DIR = resolve(fileURLToPath(new URL('../../ontology', import.meta.url)));

export const ONTOLOGY_FILE = 'prov-ml.ttl';
export const SHAPES_FILE = 'shapes.ttl';
export const CONTEXT_FILE = 'context.jsonld';
export const IMPORT_FILES = ['imports/prov-o.nq', 'imports/mls.ttl'] as const;

/** The ontologies PROV-ML extends, as shipped (always loaded by the validators, never fetched). */
export function importPaths(ontologyDir = DEFAULT_ONTOLOGY_DIR): string[] {
  return IMPORT_FILES.map((file) => join(ontologyDir, file));
}

/** A format an RDF file can be read in: the store's formats, plus JSON-LD (converted through jsonld). */
export type FileFormat = RdfFormat | 'application/ld+json';

const BY_EXTENSION: Record<string, FileFormat> = {
  '.ttl': 'text/turtle',
  '.turtle': 'text/turtle',
  '.trig': 'application/trig',
  '.nq': 'application/n-quads',
  '.nt': 'application/n-triples',
  '.owl': 'application/rdf+xml',
  '.rdf': 'application/rdf+xml',
  '.xml': 'application/rdf+xml',
  '.jsonld': 'application/ld+json',
  '.json': 'application/ld+json',
};

/** Short names accepted by `--format` and by HTTP Content-Type parameters. */
const BY_NAME: Record<string, FileFormat> = {
  turtle: 'text/turtle',
  ttl: 'text/turtle',
  trig: 'application/trig',
  nquads: 'application/n-quads',
  'n-quads': 'application/n-quads',
  nq: 'application/n-quads',
  ntriples: 'application/n-triples',
  'n-triples': 'application/n-triples',
  nt: 'application/n-triples',
  rdfxml: 'application/rdf+xml',
  'rdf/xml': 'application/rdf+xml',
  jsonld: 'application/ld+json',
  'json-ld': 'application/ld+json',
};

const MEDIA_TYPES = new Set<string>(Object.values(BY_EXTENSION));

/** A format from a short name (turtle, trig, nquads, …) or a media type; undefined when unknown. */
export function parseFormat(nameOrMediaType: string): FileFormat | undefined {
  const value = nameOrMediaType.split(';')[0]?.trim().toLowerCase() ?? '';
  if (MEDIA_TYPES.has(value)) return value as FileFormat;
  return BY_NAME[value];
}

export function formatOfFile(file: string, explicit?: string): FileFormat {
  if (explicit) {
    const format = parseFormat(explicit);
    if (!format)
      throw new BadRequestError(
        `Unknown RDF format "${explicit}": use turtle, trig, nquads, ntriples, rdfxml or jsonld.`,
      );
    return format;
  }
  const format = BY_EXTENSION[extname(file).toLowerCase()];
  if (!format)
    throw new BadRequestError(
      `Cannot tell the RDF format of ${file} from its extension: name it .ttl/.trig/.nq/.nt/.owl/.jsonld or pass --format.`,
    );
  return format;
}

export async function readText(file: string): Promise<string> {
  if (!existsSync(file)) throw new BadRequestError(`File not found: ${file}`);
  return readFile(file, 'utf8');
}
