import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BadRequestError } from '../errors.ts';
import { parseRdf, type RdfSyntaxName, syntaxNamed, syntaxOfFile } from '../rdf/index.ts';
import { openMemoryStore, type ProvStore } from '../store/index.ts';

/** An external source of a federated query. */
export type SourceSpec =
  /** A SPARQL endpoint: another provml's /sparql, a domain knowledge-graph endpoint, a public endpoint. */
  | { kind: 'sparql'; url: string }
  /** A local RDF file (Turtle, JSON-LD, TriG, N-Quads, N-Triples, RDF/XML), read into memory for the query. */
  | { kind: 'file'; path: string; format?: RdfSyntaxName };

/** `http(s)://…` is a SPARQL endpoint; `file:…` or anything else is a path to an RDF file. */
export function parseSourceSpec(text: string): SourceSpec {
  const trimmed = text.trim();
  if (/^https?:\/\//i.test(trimmed)) {
    try {
      return { kind: 'sparql', url: new URL(trimmed).href };
    } catch {
      throw new BadRequestError(`Invalid source URL ${JSON.stringify(text)}.`);
    }
  }
  if (/^file:/i.test(trimmed)) return { kind: 'file', path: fileURLToPath(trimmed) };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new BadRequestError(
      `Unsupported source ${JSON.stringify(text)}: give an http(s) SPARQL endpoint URL or a local RDF file path.`,
    );
  }
  if (trimmed === '') throw new BadRequestError('Empty federation source.');
  return { kind: 'file', path: trimmed };
}

export function describeSource(source: SourceSpec): string {
  return source.kind === 'sparql' ? source.url : source.path;
}

/** Reads an RDF file into a scratch in-memory store (JSON-LD contexts resolve locally only). */
export async function loadFileSource(
  source: Extract<SourceSpec, { kind: 'file' }>,
  ontologyDir?: string,
): Promise<ProvStore> {
  let data: string;
  try {
    data = await readFile(source.path, 'utf8');
  } catch (error) {
    throw new BadRequestError(
      `Cannot read the federation source file ${source.path}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const format = source.format ? syntaxNamed(source.format) : syntaxOfFile(source.path);
  if (!format)
    throw new BadRequestError(
      `Cannot tell the RDF format of ${source.path} from its extension; name it .jsonld, .ttl, .trig, .nq, .nt or .rdf.`,
    );
  const quads = await parseRdf(data, format.mediaType, ontologyDir ? { ontologyDir } : {});
  const store = await openMemoryStore();
  await store.insert(quads);
  return store;
}
