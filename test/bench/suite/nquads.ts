import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Reads an N-Quads file in pieces of about `chunkBytes`, each ending at a line end, so files larger than a
 * JavaScript string (10^7 triples is about 2 GB) can be loaded piece by piece.
 */
export function* nquadChunks(path: string, chunkBytes = 32 << 20): Generator<string> {
  const fd = openSync(path, 'r');
  const buffer = Buffer.alloc(chunkBytes);
  let carry = Buffer.alloc(0);
  try {
    for (;;) {
      const read = readSync(fd, buffer, 0, chunkBytes, null);
      if (read === 0) break;
      const data =
        carry.length > 0 ? Buffer.concat([carry, buffer.subarray(0, read)]) : buffer.subarray(0, read);
      const end = data.lastIndexOf(0x0a);
      if (end < 0) {
        carry = Buffer.from(data);
        continue;
      }
      yield data.toString('utf8', 0, end + 1);
      carry = Buffer.from(data.subarray(end + 1));
    }
    if (carry.length > 0) yield carry.toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** The file as raw byte pieces (for a loader that parses one stream given as an iterable of Uint8Array). */
export function* fileByteChunks(path: string, chunkBytes = 32 << 20): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const buffer = Buffer.alloc(chunkBytes);
      const read = readSync(fd, buffer, 0, chunkBytes, null);
      if (read === 0) break;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}
