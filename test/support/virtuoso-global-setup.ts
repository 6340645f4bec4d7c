import type { TestProject } from 'vitest/node';
import { startVirtuoso, type VirtuosoServer } from './virtuoso.ts';
import { TEST_WORKERS } from './workers.ts';

// Starts the Virtuoso servers the store-backed suite runs against: one per worker slot (a file empties its
// server when it opens a store, so two files running at once must not share one), each on 127.0.0.1 with a
// throw-away database.
let servers: VirtuosoServer[] = [];

export async function setup(project: TestProject): Promise<void> {
  const started = await Promise.allSettled(Array.from({ length: TEST_WORKERS }, () => startVirtuoso()));
  servers = started.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const failed = started.find((result) => result.status === 'rejected');
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  project.provide(
    'virtuoso',
    servers.map((server) => ({ sparqlUrl: server.sparqlUrl, graphStoreUrl: server.graphStoreUrl })),
  );
}

export async function teardown(): Promise<void> {
  await Promise.all(servers.splice(0).map((server) => server.stop()));
}
