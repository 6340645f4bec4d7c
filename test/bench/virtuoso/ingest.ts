import { closeSync, mkdirSync, openSync, readSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { ProvStore } from '../../../src/store/index.ts';
import type { VirtuosoServer } from '../../support/virtuoso.ts';
import { nquadChunks } from '../suite/nquads.ts';
import { round } from '../suite/stats.ts';

// The two ways data reaches a store in this benchmark: provml's store facade (store.load of N-Quads pieces,
// sequential, each awaited until durable), and Virtuoso's own bulk loader driven through isql.

export interface IngestFigure {
  backend: string;
  path: string;
  /** Quads the store held before this load (beyond mode: the bulk-loaded part). */
  quadsBefore: number;
  triples: number;
  /** Until the last write promise resolved (durable: fsync'ed to the log or outbox). */
  acknowledgedSeconds: number;
  acknowledgedPerSecond: number;
  /** Until store.stats() (which waits for the outbox to drain) answered: every triple visible to queries. */
  queryableSeconds: number;
  queryablePerSecond: number;
  /** stats().quads afterwards. */
  quadsAfter: number;
}

export interface BulkFigure {
  backend: string;
  path: string;
  triples: number;
  files: number;
  loaders: number;
  seconds: number;
  triplesPerSecond: number;
  /** Preparing the loader's input (splitting the data set); not part of the rate. */
  splitSeconds: number;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** Loads the files through the facade, piece by piece (each piece one durable write, like a capture batch). */
export async function facadeIngest(
  backend: string,
  store: ProvStore,
  files: string[],
  chunkBytes: number,
): Promise<IngestFigure> {
  const quadsBefore = (await store.stats()).quads;
  let triples = 0;
  const started = performance.now();
  for (const file of files) {
    for (const chunk of nquadChunks(file, chunkBytes)) {
      await store.load(chunk, { format: 'application/n-quads' });
      triples += countLines(chunk);
    }
  }
  const acked = (performance.now() - started) / 1000;
  const quadsAfter = (await store.stats()).quads;
  const visible = (performance.now() - started) / 1000;
  return {
    backend,
    path: `provml store.load, N-Quads pieces of ${chunkBytes >> 20} MiB, sequential`,
    quadsBefore,
    triples,
    acknowledgedSeconds: round(acked),
    acknowledgedPerSecond: Math.round(triples / acked),
    queryableSeconds: round(visible),
    queryablePerSecond: Math.round(triples / visible),
    quadsAfter,
  };
}

/**
 * Splits an N-Quads file at a line: the first `headLines` lines into pieces of about `pieceBytes` under
 * `bulkDir` (for the bulk loader, which runs one loader per file), the rest into `tailFile`.
 */
export function splitNQuads(
  file: string,
  headLines: number,
  bulkDir: string,
  tailFile: string,
  pieceBytes = 256 << 20,
): { pieces: number; headLines: number; tailLines: number } {
  mkdirSync(bulkDir, { recursive: true });
  const input = openSync(file, 'r');
  const buffer = Buffer.alloc(32 << 20);
  let pieces = 0;
  let out: number | undefined;
  let outBytes = 0;
  let lastByte = 0x0a;
  let lines = 0;
  let tailLines = 0;
  let tail: number | undefined;
  const nextPiece = (): number => {
    if (out !== undefined) closeSync(out);
    pieces += 1;
    outBytes = 0;
    out = openSync(join(bulkDir, `part-${String(pieces).padStart(3, '0')}.nq`), 'w');
    return out;
  };
  try {
    for (;;) {
      const read = readSync(input, buffer, 0, buffer.length, null);
      if (read === 0) break;
      let data = buffer.subarray(0, read);
      while (data.length > 0 && lines < headLines) {
        // Count line ends, up to the headLines-th.
        let end = -1;
        let at = 0;
        while (lines < headLines) {
          const nl = data.indexOf(0x0a, at);
          if (nl < 0) break;
          lines++;
          end = nl;
          at = nl + 1;
        }
        // Through the last line end found (the headLines-th, or the buffer's last); a partial line on its own.
        const cut = end >= 0 ? end + 1 : data.length;
        // A new piece only at a line end: the loader parses each file on its own.
        const atLineEnd = outBytes === 0 || lastByte === 0x0a;
        const target = out === undefined || (outBytes >= pieceBytes && atLineEnd) ? nextPiece() : out;
        writeSync(target, data.subarray(0, cut));
        outBytes += cut;
        lastByte = data[cut - 1] ?? lastByte;
        data = data.subarray(cut);
      }
      if (data.length > 0) {
        tail ??= openSync(tailFile, 'w');
        writeSync(tail, data);
        tailLines += countLines(data.toString('latin1'));
      }
    }
  } finally {
    closeSync(input);
    if (out !== undefined) closeSync(out);
    if (tail !== undefined) closeSync(tail);
  }
  return { pieces, headLines: lines, tailLines };
}

/** Virtuoso's bulk loader: ld_dir, `loaders` parallel rdf_loader_run() sessions, then a checkpoint. */
export async function bulkLoad(
  server: VirtuosoServer,
  dir: string,
  triples: number,
  loaders: number,
): Promise<Omit<BulkFigure, 'splitSeconds'>> {
  await server.isql(`ld_dir('${dir}', '*.nq', 'http://default');`);
  const listed = await server.isql('SELECT COUNT(*) FROM DB.DBA.LOAD_LIST WHERE ll_state = 0;');
  const files = Number(/^\s*(\d+)\s*$/m.exec(listed)?.[1] ?? Number.NaN);
  const started = performance.now();
  await Promise.all(Array.from({ length: loaders }, () => server.isql('rdf_loader_run();')));
  await server.isql('checkpoint;');
  const seconds = (performance.now() - started) / 1000;
  const failed = await server.isql(
    'SELECT ll_file, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_error IS NOT NULL OR ll_state <> 2;',
  );
  if (!/\b0 Rows\./.test(failed)) throw new Error(`Virtuoso bulk loader failed:\n${failed}`);
  return {
    backend: 'Virtuoso 7.2',
    path: `Virtuoso bulk loader (isql: ld_dir, rdf_loader_run × ${loaders}, checkpoint)`,
    triples,
    files,
    loaders,
    seconds: round(seconds),
    triplesPerSecond: Math.round(triples / seconds),
  };
}
