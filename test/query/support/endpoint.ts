import type { AddressInfo } from 'node:net';
import express from 'express';
import { dumpText, type ProvStore, querySerialized } from '../../../src/store/index.ts';

export interface RunningEndpoint {
  url: string;
  close(): Promise<void>;
  /** Number of SPARQL requests answered (to check a source was really asked). */
  requests(): number;
}

/**
 * A minimal SPARQL 1.1 Protocol endpoint (query by GET or POST form / sparql-query) over a store,
 * started on 127.0.0.1 on a free port: the "other knowledge graph" of the federation tests.
 */
export async function startEndpoint(store: ProvStore): Promise<RunningEndpoint> {
  const app = express();
  let count = 0;
  app.use(express.urlencoded({ extended: false }));
  app.use(express.text({ type: 'application/sparql-query' }));
  app.all('/sparql', async (req, res) => {
    const query = typeof req.body === 'string' ? req.body : (req.body?.query ?? req.query.query);
    if (typeof query !== 'string') {
      res.status(400).type('text/plain').send('missing query');
      return;
    }
    count += 1;
    try {
      const graph = (req.get('accept') ?? '').includes('text/turtle')
        ? 'text/turtle'
        : 'application/n-triples';
      const result = await querySerialized(
        store,
        query,
        { results: 'application/sparql-results+json', graph },
        { unionDefaultGraph: true },
      );
      res.type(result.mediaType).send(await dumpText(result.body));
    } catch (error) {
      res.status(400).type('text/plain').send(String(error));
    }
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sparql`,
    requests: () => count,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
