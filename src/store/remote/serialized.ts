import { ProvmlError } from '../../errors.ts';
import {
  DEFAULT_GRAPH,
  inDefaultGraph,
  N_QUADS,
  N_TRIPLES,
  parseRdf,
  type QuadData,
  quadToNQuads,
  type SolutionRow,
  serializeRdf,
  serializeSolutionPages,
  streamSolutionsFromJson,
} from '../../rdf/index.ts';
import { onePiece } from '../query-results.ts';
import type { EngineStream } from './http.ts';
import { rowAsQuad } from './rdf-codec.ts';

// A query answer serialized as the engine sends it: read a piece at a time from the HTTP body and written
// again with the kernel's writers (engines differ in what they write; every backend answers alike), so memory
// holds a page, not the answer. A body that breaks off or ends before its document does makes the iteration
// reject: the server then cuts its own chunked response, and no client takes a part for the whole.
// RDF syntaxes other than N-Triples and N-Quads are written whole by Oxigraph, as the embedded stores do.

/** SELECT rows from the engine's SPARQL JSON, as the results document in `mediaType`. */
export async function serializedSolutions(
  stream: EngineStream,
  mediaType: string,
  source: string,
): Promise<AsyncIterable<string>> {
  const { variables, pages } = await streamSolutionsFromJson(stream.body, source);
  return serializeSolutionPages(variables, pages, mediaType);
}

/** CONSTRUCT / DESCRIBE triples, as the engine sends them (N-Triples, or rows of ?s ?p ?o), in `mediaType`. */
export async function serializedGraph(
  stream: EngineStream,
  mediaType: string,
  source: string,
): Promise<AsyncIterable<string>> {
  const pages = stream.contentType.includes('json')
    ? rowQuads(await streamSolutionsFromJson(stream.body, source))
    : ntriplesPages(stream.body, source);
  if (mediaType === N_TRIPLES || mediaType === N_QUADS) return nquadsPieces(pages);
  const quads: QuadData[] = [];
  for await (const page of pages) for (const quad of page) quads.push(quad);
  return onePiece(await serializeRdf(quads, mediaType));
}

async function* nquadsPieces(pages: AsyncIterable<QuadData[]>): AsyncGenerator<string> {
  let any = false;
  for await (const page of pages) {
    if (page.length === 0) continue;
    any = true;
    yield quadsToLines(page);
  }
  if (!any) yield '';
}

function quadsToLines(quads: QuadData[]): string {
  let out = '';
  for (const quad of quads) out += quadToNQuads(inDefaultGraph(quad));
  return out;
}

/** N-Triples text split at line ends (a line never holds one: literals escape it), parsed a page at a time. */
async function* ntriplesPages(body: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<QuadData[]> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const page = async (text: string): Promise<QuadData[]> => {
    try {
      return await parseRdf(text, N_TRIPLES);
    } catch (error) {
      throw unreadable(source, error);
    }
  };
  let rest = '';
  for await (const bytes of body) {
    let text: string;
    try {
      text = rest + decoder.decode(bytes, { stream: true });
    } catch (error) {
      throw unreadable(source, error);
    }
    const end = text.lastIndexOf('\n') + 1;
    rest = text.slice(end);
    if (end > 0) yield await page(text.slice(0, end));
  }
  try {
    rest += decoder.decode();
  } catch (error) {
    throw unreadable(source, error);
  }
  if (rest.trim() !== '') yield await page(rest);
}

function unreadable(source: string, error: unknown): ProvmlError {
  const reason = error instanceof Error ? error.message : String(error);
  return new ProvmlError('UpstreamFailed', `${source} sent N-Triples provml cannot read (${reason}).`, {
    cause: error,
  });
}

async function* rowQuads({ pages }: { pages: AsyncIterable<SolutionRow[]> }): AsyncGenerator<QuadData[]> {
  for await (const rows of pages) yield rows.map((row) => rowAsQuad(row, DEFAULT_GRAPH));
}
