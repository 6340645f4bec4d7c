import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequestError } from '../errors.ts';
import { type RdfSyntax, syntaxOf, syntaxOfFile } from '../rdf/index.ts';

/** `ontology/` of this checkout (the shipped PROV-ML, its shapes, context and imports). */
export const DEFAULT_ONTOLOGY_DIR = resolve(fileURLToPath(new URL('../../ontology', import.meta.url)));

export const ONTOLOGY_FILE = 'prov-ml.ttl';
export const SHAPES_FILE = 'shapes.ttl';
export const IMPORT_FILES = ['imports/prov-o.nq', 'imports/mls.ttl'] as const;

/** The ontologies PROV-ML extends, as shipped (always loaded by the validators, never fetched). */
export function importPaths(ontologyDir = DEFAULT_ONTOLOGY_DIR): string[] {
  return IMPORT_FILES.map((file) => join(ontologyDir, file));
}

/** The format of an RDF file: `explicit` (a short name or media type), else its extension. */
export function formatOfFile(file: string, explicit?: string): RdfSyntax {
  if (explicit) {
    const format = syntaxOf(explicit);
    if (!format)
      throw new BadRequestError(
        `Unknown RDF format "${explicit}": use turtle, trig, nquads, ntriples, rdfxml or jsonld.`,
      );
    return format;
  }
  const format = syntaxOfFile(file);
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
