import { pipeline, Readable } from 'node:stream';
import { StreamParser, StreamWriter } from 'n3';

// Turtle and TriG written as the quads come, never holding the whole data: N-Quads text in pieces is
// parsed and re-serialized by N3.js's streaming parser and writer, with backpressure from the consumer
// back to the source (which stops being read when the consumer stops).

export type StreamedSyntax = 'text/turtle' | 'application/trig';

const WRITER_FORMAT: Record<StreamedSyntax, string> = {
  'text/turtle': 'Turtle',
  'application/trig': 'TriG',
};

/**
 * N-Quads (or N-Triples) pieces → Turtle or TriG pieces. For Turtle the input must be triples (or quads
 * whose graph names are to be dropped by the caller first); TriG keeps each quad's graph.
 */
export async function* nquadsToSyntax(
  nquads: AsyncIterable<string> | Iterable<string>,
  syntax: StreamedSyntax,
): AsyncGenerator<string> {
  // blankNodePrefix '': labels stay as the source wrote them, so a blank node is the same across pieces.
  const parser = new StreamParser({ format: 'N-Quads', blankNodePrefix: '' });
  const writer = new StreamWriter({ format: WRITER_FORMAT[syntax] });
  // Errors reach the consumer through the iteration below; the callback only keeps them from going unhandled.
  const output = pipeline(Readable.from(nquads, { objectMode: false }), parser, writer, () => undefined);
  for await (const piece of output) yield String(piece);
}
