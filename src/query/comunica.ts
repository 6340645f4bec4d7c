import wt from 'node:worker_threads';
import zlib from 'node:zlib';
import type { QueryEngine } from '@comunica/query-sparql';

// The only module that loads Comunica. It is loaded lazily (about a second) so that commands and servers
// that never federate do not pay for it.
//
// Comunica 5.4's HTTP actor requires undici 8, which targets Node >= 22.19 and touches two built-ins at load
// time that Node 20 lacks. Neither is used on our paths (no zstd responses are requested, nothing is
// structured-cloned), so inert stand-ins let it load on Node 20; on newer Node they are left alone.
function shimNode20(): void {
  const zlibModule = zlib as unknown as Record<string, unknown>;
  if (typeof zlibModule.createZstdDecompress !== 'function') {
    zlibModule.createZstdDecompress = () => {
      throw new Error('zstd-encoded responses need Node >= 22.15');
    };
  }
  const workerThreads = wt as unknown as Record<string, unknown>;
  if (typeof workerThreads.markAsUncloneable !== 'function') workerThreads.markAsUncloneable = () => undefined;
}

let engine: Promise<QueryEngine> | undefined;

export function comunicaEngine(): Promise<QueryEngine> {
  engine ??= (async () => {
    shimNode20();
    const { QueryEngine: Engine } = await import('@comunica/query-sparql');
    return new Engine();
  })();
  return engine;
}
