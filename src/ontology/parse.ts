import { join } from 'node:path';
import jsonld from 'jsonld';
import type { RemoteDocument } from 'jsonld/jsonld-spec.js';
import { BadRequestError } from '../errors.ts';
import { type BlankNodeTerm, openMemoryStore, type QuadData } from '../store/index.ts';
import { JSONLD_CONTEXT_IRI } from '../vocab.ts';
import { CONTEXT_FILE, DEFAULT_ONTOLOGY_DIR, type FileFormat, formatOfFile, readText } from './files.ts';

const ALL_TRIPLES = 'CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }';
let parseCount = 0;

/**
 * Parses RDF text into triples (every graph merged into the default graph). Blank nodes get a prefix
 * unique to this call, so documents parsed separately never share a blank node by accident.
 */
export async function parseRdf(data: string, format: FileFormat, source = 'data'): Promise<QuadData[]> {
  const nquads = format === 'application/ld+json' ? await jsonLdToNQuads(data, source) : undefined;
  const store = await openMemoryStore();
  try {
    await store.load(nquads ?? data, {
      format:
        nquads === undefined ? (format as Exclude<FileFormat, 'application/ld+json'>) : 'application/n-quads',
    });
    const tag = `p${++parseCount}x`;
    return (await store.construct(ALL_TRIPLES)).map((quad) => ({
      subject: renameBlank(quad.subject, tag),
      predicate: quad.predicate,
      object: renameBlank(quad.object, tag),
      graph: { termType: 'DefaultGraph', value: '' },
    }));
  } catch (error) {
    if (error instanceof BadRequestError) {
      const reason = error.message.replace(/^Invalid (write|data): /, '');
      throw new BadRequestError(`${source} is not valid ${format}: ${reason}`, { cause: error });
    }
    throw error;
  } finally {
    await store.close();
  }
}

export async function parseRdfFile(file: string, format?: string): Promise<QuadData[]> {
  return parseRdf(await readText(file), formatOfFile(file, format), file);
}

/** Reads several files into one list of triples. */
export async function parseRdfFiles(files: string[]): Promise<QuadData[]> {
  const all: QuadData[] = [];
  for (const file of files) all.push(...(await parseRdfFile(file)));
  return all;
}

function renameBlank<T extends QuadData['subject'] | QuadData['object']>(term: T, tag: string): T {
  if (term.termType !== 'BlankNode') return term;
  return { termType: 'BlankNode', value: `${tag}${term.value}` } satisfies BlankNodeTerm as T;
}

async function jsonLdToNQuads(data: string, source: string): Promise<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(data);
  } catch (error) {
    throw new BadRequestError(`${source}: not valid JSON (${(error as Error).message}).`);
  }
  try {
    return (await jsonld.toRDF(doc as jsonld.JsonLdDocument, {
      format: 'application/n-quads',
      documentLoader: localContextLoader,
    })) as unknown as string;
  } catch (error) {
    throw new BadRequestError(`${source}: invalid JSON-LD (${(error as Error).message}).`, { cause: error });
  }
}

/** Serves the shipped PROV-ML context for its IRI; provml never fetches a remote context. */
async function localContextLoader(url: string): Promise<RemoteDocument> {
  if (url !== JSONLD_CONTEXT_IRI)
    throw new BadRequestError(
      `Remote JSON-LD context ${url} is not fetched; inline it or use ${JSONLD_CONTEXT_IRI}.`,
    );
  const document = JSON.parse(await readText(join(DEFAULT_ONTOLOGY_DIR, CONTEXT_FILE)));
  return { contextUrl: undefined, documentUrl: url, document };
}
