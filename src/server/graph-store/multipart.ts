// multipart/form-data bodies of Graph Store POST (GSP §5.5: each part is an RDF document merged into the graph).
import busboy from 'busboy';
import type { Request } from 'express';
import { BadRequestError } from '../../errors.ts';
import { decodeUtf8 } from '../body.ts';
import { PayloadTooLargeError } from '../errors.ts';

/** One part of the form: its declared media type (bare), its file name, its UTF-8 text. */
export interface FormPart {
  name: string;
  mediaType: string;
  fileName: string | undefined;
  text: string;
}

const MAX_PARTS = 1000;

/** Reads every file part; 413 past `limit` bytes in all, 400 for a part that is not a file or not UTF-8. */
export function readMultipart(req: Request, limit: number): Promise<FormPart[]> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        limits: { fileSize: limit, files: MAX_PARTS, parts: MAX_PARTS, fields: MAX_PARTS },
      });
    } catch (error) {
      reject(new BadRequestError(`Malformed multipart/form-data: ${(error as Error).message}`));
      return;
    }
    const pending: Array<Promise<FormPart>> = [];
    let total = 0;
    let failure: Error | undefined;
    const fail = (error: Error): void => {
      failure ??= error;
      req.unpipe(parser);
      req.resume();
      reject(failure);
    };
    parser.on('file', (name, stream, info) => {
      const chunks: Buffer[] = [];
      pending.push(
        new Promise((done, failed) => {
          stream.on('data', (chunk: Buffer) => {
            total += chunk.length;
            if (total > limit) fail(new PayloadTooLargeError(limit));
            else chunks.push(chunk);
          });
          // busboy truncates a file at the fileSize limit: a truncated document must never be merged.
          stream.on('limit', () => fail(new PayloadTooLargeError(limit)));
          stream.on('error', failed);
          stream.on('end', () => {
            if (stream.truncated) return;
            try {
              const text = decodeUtf8(Buffer.concat(chunks));
              done({ name, mediaType: info.mimeType.toLowerCase(), fileName: info.filename, text });
            } catch (error) {
              failed(error);
            }
          });
        }),
      );
    });
    parser.on('field', (name) =>
      fail(
        new BadRequestError(
          `The form field ${JSON.stringify(name)} is not a file part: send each RDF document as a file (Content-Disposition with a filename, e.g. curl -F 'data=@graph.ttl;type=text/turtle').`,
        ),
      ),
    );
    for (const event of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const)
      parser.on(event, () => fail(new BadRequestError(`Too many parts: send at most ${MAX_PARTS} files.`)));
    parser.on('error', (error) =>
      fail(new BadRequestError(`Malformed multipart/form-data: ${(error as Error).message}`)),
    );
    parser.on('close', () => {
      if (failure) return;
      Promise.all(pending).then(resolve, reject);
    });
    req.pipe(parser);
  });
}
