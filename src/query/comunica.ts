import type { QueryEngine } from '@comunica/query-sparql';

// The only module that loads Comunica. It is loaded lazily (about a second) so that commands and servers
// that never federate do not pay for it. Comunica 4.x is used: 5.x pulls undici 8, which needs Node >= 22.

let engine: Promise<QueryEngine> | undefined;

export function comunicaEngine(): Promise<QueryEngine> {
  engine ??= (async () => {
    const { QueryEngine: Engine } = await import('@comunica/query-sparql');
    return new Engine();
  })();
  return engine;
}
