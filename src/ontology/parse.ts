import { BadRequestError } from '../errors.ts';
import { type BlankNodeTerm, DEFAULT_GRAPH, parseRdf, type QuadData, type RdfSyntax } from '../rdf/index.ts';
import { DEFAULT_ONTOLOGY_DIR, formatOfFile, readText } from './files.ts';

let parseCount = 0;

/**
 * Reads an RDF document as triples (every graph merged into the default graph). Blank nodes get a prefix
 * unique to this call, so documents read separately never share a blank node by accident.
 */
export async function readTriples(data: string, format: RdfSyntax, source = 'data'): Promise<QuadData[]> {
  let quads: QuadData[];
  try {
    quads = await parseRdf(data, format.mediaType, { ontologyDir: DEFAULT_ONTOLOGY_DIR });
  } catch (error) {
    if (error instanceof BadRequestError) {
      const reason = error.message.replace(/^Invalid (data|JSON-LD): /, '');
      throw new BadRequestError(`${source} is not valid ${format.mediaType}: ${reason}`, { cause: error });
    }
    throw error;
  }
  const tag = `p${++parseCount}x`;
  return quads.map((quad) => ({
    subject: renameBlank(quad.subject, tag),
    predicate: quad.predicate,
    object: renameBlank(quad.object, tag),
    graph: DEFAULT_GRAPH,
  }));
}

export async function readTriplesFile(file: string, format?: string): Promise<QuadData[]> {
  return readTriples(await readText(file), formatOfFile(file, format), file);
}

/** Reads several files into one list of triples. */
export async function readTriplesFiles(files: string[]): Promise<QuadData[]> {
  const all: QuadData[] = [];
  for (const file of files) all.push(...(await readTriplesFile(file)));
  return all;
}

function renameBlank<T extends QuadData['subject'] | QuadData['object']>(term: T, tag: string): T {
  if (term.termType !== 'BlankNode') return term;
  return { termType: 'BlankNode', value: `${tag}${term.value}` } satisfies BlankNodeTerm as T;
}
