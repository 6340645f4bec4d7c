// Ingestion rate and query latencies: embedded durable store next to Virtuoso (remote SPARQL store).
// Not part of `npm test`. Run: node --import tsx test/bench/virtuoso-compare.ts [--triples 1000000]
import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger } from '../../src/logger.ts';
import { openDurableStore, openSparqlStore, type ProvStore, type QuadData } from '../../src/store/index.ts';
import { startVirtuoso } from '../support/virtuoso.ts';

const EX = 'http://example.org/bench/';
const XSD = 'http://www.w3.org/2001/XMLSchema#';
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const TRIPLES = arg('triples', 1_000_000);
const BATCH = arg('batch', 10_000);
const TRIPLES_PER_EPOCH = 4;
const EPOCHS = 100;

/** Seeded PRNG (mulberry32), so every run ingests the same data. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const nn = (value: string) => ({ termType: 'NamedNode' as const, value });
const lit = (value: string, type: string) => ({
  termType: 'Literal' as const,
  value,
  language: '',
  datatype: nn(XSD + type),
});

/** Training runs, each in its own graph, with per-epoch loss measurements (4 triples an epoch). */
function* batches(): Generator<QuadData[]> {
  const rand = random(42);
  let batch: QuadData[] = [];
  let produced = 0;
  for (let run = 0; produced < TRIPLES; run++) {
    const graph = nn(`${EX}graph/run${run}`);
    for (let epoch = 0; epoch < EPOCHS && produced < TRIPLES; epoch++) {
      const m = nn(`${EX}run${run}/epoch${epoch}`);
      batch.push(
        { subject: m, predicate: nn(`${EX}ofRun`), object: nn(`${EX}run${run}`), graph },
        { subject: m, predicate: nn(`${EX}epoch`), object: lit(String(epoch), 'integer'), graph },
        {
          subject: m,
          predicate: nn(`${EX}loss`),
          object: lit(String(Math.exp(-epoch / 30) + rand() * 0.1), 'double'),
          graph,
        },
        {
          subject: m,
          predicate: nn(`${EX}at`),
          object: lit(
            new Date(Date.UTC(2024, 0, 1) + (run * EPOCHS + epoch) * 60_000).toISOString(),
            'dateTime',
          ),
          graph,
        },
      );
      produced += TRIPLES_PER_EPOCH;
      if (batch.length >= BATCH) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

const QUERIES: Record<string, string> = {
  'loss per epoch, one run': `SELECT ?epoch ?loss WHERE { GRAPH <${EX}graph/run7> { ?m <${EX}epoch> ?epoch ; <${EX}loss> ?loss } } ORDER BY ?epoch`,
  'best final loss over runs': `SELECT ?run ?loss WHERE { ?m <${EX}ofRun> ?run ; <${EX}epoch> 99 ; <${EX}loss> ?loss } ORDER BY ?loss LIMIT 1`,
  'runs with a loss below 0.05': `SELECT (COUNT(DISTINCT ?run) AS ?n) WHERE { ?m <${EX}ofRun> ?run ; <${EX}loss> ?loss FILTER(?loss < 0.05) }`,
  'measurements in one hour': `SELECT (COUNT(*) AS ?n) WHERE { ?m <${EX}at> ?t FILTER(?t >= "2024-01-02T00:00:00Z"^^<${XSD}dateTime> && ?t < "2024-01-02T01:00:00Z"^^<${XSD}dateTime>) }`,
};

async function measure(name: string, store: ProvStore): Promise<Record<string, number | string>> {
  const started = performance.now();
  for (const batch of batches()) await store.insert(batch);
  const acked = performance.now();
  const count = await store.select(`SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s <${EX}loss> ?o } }`, {
    timeoutMs: 600_000,
  });
  const visible = performance.now();
  const row: Record<string, number | string> = {
    backend: name,
    triples: TRIPLES,
    'acknowledged triples/s': Math.round(TRIPLES / ((acked - started) / 1000)),
    'queryable triples/s': Math.round(TRIPLES / ((visible - started) / 1000)),
    'loss rows': Number(count.rows[0]?.n?.value),
  };
  for (const [label, query] of Object.entries(QUERIES)) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await store.select(query, { unionDefaultGraph: true, timeoutMs: 600_000 });
      times.push(performance.now() - t);
    }
    row[`${label} (ms)`] = Math.round((times.sort((a, b) => a - b)[1] as number) * 10) / 10;
  }
  return row;
}

const rows: Array<Record<string, number | string>> = [];
const dir = await mkdtemp(join(tmpdir(), 'provml-bench-'));
const embedded = await openDurableStore({
  dir: join(dir, 'embedded'),
  logger: silentLogger(),
  queryTimeoutMs: 600_000,
});
rows.push(await measure('embedded (durable Oxigraph)', embedded));
await embedded.close();

const server = await startVirtuoso();
try {
  const remote = await openSparqlStore({
    queryUrl: server.sparqlUrl,
    updateUrl: server.sparqlUrl,
    graphStoreUrl: server.graphStoreUrl,
    outboxDir: join(dir, 'outbox'),
    queryTimeoutMs: 600_000,
    logger: silentLogger(),
  });
  rows.push(await measure('Virtuoso 7.2 (remote store, GSP)', remote));
  await remote.close();
} finally {
  await server.stop();
  await rm(dir, { recursive: true, force: true });
}

console.table(rows);
mkdirSync('test/bench/results', { recursive: true });
writeFileSync(
  `test/bench/results/virtuoso-compare-${TRIPLES}.json`,
  `${JSON.stringify({ date: new Date().toISOString(), batch: BATCH, rows }, null, 2)}\n`,
);
