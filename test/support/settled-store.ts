// A store as a test reads it after writing through an application: each read first waits until the online
// state of every write the application acknowledged is in the store (settledWrites), so what a test reads
// right after a 202 does not depend on how fast the refresh that follows it ran.
import type { Express } from 'express';
import { settledWrites } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';

const READS = new Set<string | symbol>(['query', 'stats', 'listGraphs', 'hasGraph']);

export function settledStore(store: ProvStore, app: Express): ProvStore {
  const settled = (): Promise<void> => settledWrites(app);
  return new Proxy(store, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      if (READS.has(property))
        return async (...args: unknown[]) => {
          await settled();
          return value.apply(target, args);
        };
      if (property === 'dump')
        return (...args: unknown[]) =>
          (async function* () {
            await settled();
            yield* value.apply(target, args);
          })();
      return value.bind(target);
    },
  });
}
