import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';

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
): Promise<void> {
  const source = chunks[Symbol.asyncIterator]();
  const first = await source.next();
  res.status(200).type(contentType);
  if (req.method === 'HEAD' || first.done) {
    await source.return?.();
    res.end();
    return;
  }
  async function* rest(): AsyncGenerator<string> {
    try {
      yield first.value as string;
      for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
    } finally {
      await source.return?.();
    }
  }
  try {
    // Not object mode: the stream then holds one piece ahead at most (its limit is 16 KiB, a piece is larger).
    await pipeline(Readable.from(rest(), { objectMode: false }), res);
  } catch (error) {
    // The client went away: nothing to answer, and the source has been stopped.
    if ((error as NodeJS.ErrnoException).code === 'ERR_STREAM_PREMATURE_CLOSE') return;
    throw error;
  }
}

/**
 * Sends a body given in pieces: one that comes in a single piece (the embedded engines answer a query whole)
 * goes as it is, with its length, as express sends any string; a longer one goes through sendChunks.
 */
export async function sendBody(
  req: Request,
  res: Response,
  chunks: AsyncIterable<string>,
  contentType: string,
): Promise<void> {
  const source = chunks[Symbol.asyncIterator]();
  const first = await source.next();
  const second = first.done ? first : await source.next();
  if (second.done) {
    const whole = first.done ? '' : first.value;
    res.status(200).type(contentType).send(whole);
    return;
  }
  async function* all(): AsyncGenerator<string> {
    try {
      yield first.value as string;
      yield second.value as string;
      for (let next = await source.next(); !next.done; next = await source.next()) yield next.value;
    } finally {
      await source.return?.();
    }
  }
  await sendChunks(req, res, all(), contentType);
}
