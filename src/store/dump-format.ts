import { nquadsToSyntax } from '../rdf/index.ts';
import type { DumpOptions, RdfFormat } from './api.ts';
import type { PageOptions } from './dump-pages.ts';

// What every backend's dump shares: which lines a format asks for, and turning N-Quads / N-Triples pages
// into the requested syntax as they come.

/** Formats that carry graph names. */
export function isQuadFormat(format: RdfFormat | string): boolean {
  return format === 'application/n-quads' || format === 'application/trig';
}

/** The pages a dump reads: N-Quads for a quad format, N-Triples (graph names left out) for a triple format. */
export function pageOptions(options: DumpOptions): PageOptions {
  return {
    triples: !isQuadFormat(options.format),
    ...(options.graph ? { graph: options.graph } : {}),
    ...(options.pageQuads ? { pageQuads: options.pageQuads } : {}),
  };
}

/** N-Quads / N-Triples pages in the dump's format (RDF/XML excepted: no streaming writer for it). */
export async function* formatPages(
  pages: AsyncIterable<string> | Iterable<string>,
  format: Exclude<RdfFormat, 'application/rdf+xml'>,
): AsyncGenerator<string> {
  if (format === 'text/turtle' || format === 'application/trig') yield* nquadsToSyntax(pages, format);
  else yield* pages;
}

/** A whole dump as one string: only for data known to be small (tests, one graph for a validator). */
export async function dumpText(chunks: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of chunks) text += chunk;
  return text;
}
