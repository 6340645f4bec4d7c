import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';

export interface SendChunksOptions {
  /**
   * A body that comes in one piece (the embedded engines answer a query whole) goes as express sends any
   * string, with its length; only a longer one is streamed.
   */
  onePieceWhole?: boolean;
}

/**
 * Sends a body given in pieces, pulling the next piece only when the socket takes more (backpressure), and
 * stopping the source when the client goes away. The first piece is read before the status line, so an
 * error the source raises at once is still an error response; a later one cuts the chunked body short, so
 * the client never sees a truncated body as complete.
 */
export async function sendChunks(
  req: Request,
  res: Response,
  chunks: AsyncIterable<string>,
  contentType: string,
  options: SendChunksOptions = {},
): Promise<void> {
  const source = chunks[Symbol.asyncIterator]();
  const read: string[] = [];
  const first = await source.next();
  if (!first.done) read.push(first.value);
  if (options.onePieceWhole) {
    const second = first.done ? first : await source.next();
    if (second.done) {
      res
        .status(200)
        .type(contentType)
        .send(read[0] ?? '');
      return;
    }
    read.push(second.value);
  }
  res.status(200).type(contentType);
  if (req.method === 'HEAD' || first.done) {
    await source.return?.();
    res.end();
    return;
  }
  try {
    // Not object mode: the stream then holds one piece ahead at most (its limit is 16 KiB, a piece is larger).
    await pipeline(Readable.from(resumed(read, source), { objectMode: false }), res);
  } catch (error) {
    // The client went away: nothing to answer, and the source has been stopped.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  }
}

/** The pieces already read, then the rest of `source`, which is stopped however the reading ends. */
async function* resumed(read: string[], source: AsyncIterator<string>): AsyncGenerator<string> {
  try {
    yield* read;
    for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
  } finally {
    await source.return?.();
  }
}
