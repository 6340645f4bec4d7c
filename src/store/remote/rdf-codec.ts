import { BadRequestError, ProvmlError } from '../../errors.ts';
import type { RdfFormat } from '../api.ts';
import { quadsToNQuads } from '../ntriples.ts';
import type { GraphTerm, QuadData } from '../terms.ts';

// Parsing and serializing RDF syntaxes for the remote store. Oxigraph is loaded only when a syntax
// other than N-Triples / N-Quads is needed, so a remote store that only captures never instantiates it.

type Oxigraph = typeof import('oxigraph');
type Convert = typeof import('../convert.ts');
let loaded: Promise<[Oxigraph, Convert]> | undefined;
const oxigraph = (): Promise<[Oxigraph, Convert]> => {
  loaded ??= Promise.all([import('oxigraph'), import('../convert.ts')]);
  return loaded;
};

/** Parses RDF text into plain quads; triple formats land in `graph` (default: the default graph). */
export async function parseRdf(
  data: string,
  format: RdfFormat,
  graph?: GraphTerm,
  baseIri?: string,
): Promise<QuadData[]> {
  const [ox, convert] = await oxigraph();
  try {
    const options: Parameters<Oxigraph['parse']>[1] = { format };
    if (baseIri) options.base_iri = baseIri;
    if (graph) options.to_graph_name = convert.toOxGraph(graph);
    return (ox.parse(data, options) as import('oxigraph').Quad[]).map(convert.fromOxQuad);
  } catch (error) {
    throw new BadRequestError(`Invalid data: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

/** Serializes quads; triple formats get the default-graph quads only unless every quad is retargeted first. */
export async function serializeQuads(quads: QuadData[], mediaType: string): Promise<string> {
  if (mediaType === 'application/n-quads') return quadsToNQuads(quads);
  if (mediaType === 'application/n-triples') return quadsToNQuads(quads.map(inDefaultGraph));
  const [ox] = await oxigraph();
  const store = new ox.Store();
  try {
    store.load(quadsToNQuads(quads), { format: 'application/n-quads' });
    const quadFormat = mediaType === 'application/trig';
    return store.dump(
      quadFormat ? { format: mediaType } : { format: mediaType, from_graph_name: ox.defaultGraph() },
    );
  } catch (error) {
    throw new ProvmlError(
      'NotAcceptable',
      `Cannot serialize RDF as ${mediaType}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}

export function inDefaultGraph(quad: QuadData): QuadData {
  return { ...quad, graph: { termType: 'DefaultGraph', value: '' } };
}
