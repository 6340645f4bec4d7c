import { createReadStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { type Dataset, ensureDataset, REPO_ROOT } from '../generate/index.ts';
import type { BenchArgs } from './args.ts';
import { EngineHost } from './engine-host.ts';
import type { LoadReply } from './engine-protocol.ts';
import { perSize, progress } from './group.ts';
import { startDurableServer } from './server.ts';
import { errorText, now, ratio, round } from './stats.ts';

const BATCH_EVENTS = 1000;
const HTTP_CLIENTS = 4;

export interface IngestionPath {
  path: string;
  status: 'ok' | 'error';
  seconds?: number;
  eventsPerSecond?: number;
  triplesPerSecond?: number;
  /** This path's triples/s ÷ the faster in-memory Oxigraph load's triples/s (1 = as fast as the engine alone). */
  ratioToRawLoad?: number;
  /** Quads in the store afterwards (must equal the data set's triples). */
  quads?: number;
  error?: string;
}

export interface IngestionSize {
  size: number;
  triples: number;
  events: number;
  paths: IngestionPath[];
}

const workDir = (): string => {
  const root = join(REPO_ROOT, '.tmp', 'bench', 'work');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, 'ingest-'));
};

async function* eventBatches(file: string, size: number): AsyncGenerator<string> {
  let lines: string[] = [];
  for await (const line of createInterface({
    input: createReadStream(file, 'utf8'),
    crlfDelay: Number.POSITIVE_INFINITY,
  })) {
    if (line === '') continue;
    lines.push(line);
    if (lines.length >= size) {
      yield `${lines.join('\n')}\n`;
      lines = [];
    }
  }
  if (lines.length > 0) yield `${lines.join('\n')}\n`;
}

/** POST /api/v1/events, NDJSON batches, a few clients in parallel (group commit shares fsyncs between them). */
async function httpApi(url: string, eventsFile: string): Promise<void> {
  const batches = eventBatches(eventsFile, BATCH_EVENTS);
  const client = async (): Promise<void> => {
    for (;;) {
      const next = await batches.next();
      if (next.done) return;
      const response = await fetch(`${url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson' },
        body: next.value,
      });
      if (response.status !== 202)
        throw new Error(
          `POST /api/v1/events answered ${response.status}: ${(await response.text()).slice(0, 300)}`,
        );
      await response.arrayBuffer().catch(() => undefined);
    }
  };
  await Promise.all(Array.from({ length: HTTP_CLIENTS }, client));
}

/** `provml ingest FILE` without the process around it: the CLI's own ingestFiles (resumable, sequential). */
async function provmlIngest(url: string, eventsFile: string): Promise<void> {
  const { ingestFiles } = await import('../../../src/cli/ingest-files.ts');
  await ingestFiles([eventsFile], { url, batchSize: BATCH_EVENTS, format: 'provml', restart: true });
}

async function durablePath(
  name: string,
  dataset: Dataset,
  raw: LoadReply | undefined,
  send: (url: string, eventsFile: string) => Promise<void>,
): Promise<IngestionPath> {
  const dir = workDir();
  try {
    const server = await startDurableServer(dir);
    try {
      const started = now();
      await send(server.url, join(dataset.dir, dataset.manifest.eventsFile));
      const seconds = (now() - started) / 1000;
      const { quads } = await server.store.stats();
      const triplesPerSecond = dataset.manifest.triples / seconds;
      progress(`${name}: ${round(seconds)} s, ${round(triplesPerSecond)} triples/s`);
      return {
        path: name,
        status: 'ok',
        seconds: round(seconds),
        eventsPerSecond: round(dataset.manifest.events / seconds),
        triplesPerSecond: round(triplesPerSecond),
        ratioToRawLoad: raw ? ratio(triplesPerSecond, raw.quads / (raw.ms / 1000)) : undefined,
        quads,
      };
    } finally {
      await server.close();
    }
  } catch (error) {
    return { path: name, status: 'error', error: errorText(error) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function memoryPath(
  name: string,
  dataset: Dataset,
  raw: boolean,
): Promise<{ figure: IngestionPath; reply?: LoadReply }> {
  const host = await EngineHost.start();
  try {
    const file = join(dataset.dir, dataset.manifest.quadsFile);
    const timeout = 120_000 + dataset.manifest.triples * 0.3;
    const reply = raw ? await host.rawLoad([file], timeout) : await host.load([file], timeout);
    const seconds = reply.ms / 1000;
    progress(`${name}: ${round(seconds)} s`);
    return {
      reply,
      figure: {
        path: name,
        status: 'ok',
        seconds: round(seconds),
        eventsPerSecond: round(dataset.manifest.events / seconds),
        triplesPerSecond: round(reply.quads / seconds),
        quads: reply.quads,
      },
    };
  } catch (error) {
    return { figure: { path: name, status: 'error', error: errorText(error) } };
  } finally {
    host.stop();
  }
}

/** Group 2: durable ingestion of the generated events over HTTP and through `provml ingest`, next to Oxigraph's bulk load. */
export async function ingestionGroup(
  args: BenchArgs,
  notes: string[],
): Promise<Array<IngestionSize | { size: number; error: string }>> {
  notes.push(
    `HTTP API: ${HTTP_CLIENTS} concurrent clients POSTing NDJSON batches of ${BATCH_EVENTS} events to /api/v1/events (validated, translated, logged, fsync'ed, applied) on a server in this process; provml ingest: the CLI's ingestFiles, sequential batches of ${BATCH_EVENTS}, resumable progress file`,
  );
  notes.push(
    'Oxigraph bulk load: Store.load of the N-Quads without transaction (the snapshot path); provml MemoryStore.load: 32 MB pieces, transactional; both in a fresh child process after a 1 MB warm-up; the ratio column divides by the faster of the two; events/s for these two count the events whose quads they load',
  );
  return perSize(args.sizes, async (size) => {
    const dataset = ensureDataset({ target: size, seed: args.seed, cacheDir: args.cacheDir });
    const raw = await memoryPath('Oxigraph bulk load (in memory, no transaction)', dataset, true);
    const memory = await memoryPath('provml MemoryStore.load (in memory)', dataset, false);
    // The limit is whichever in-memory load was faster in this run (the two are close; noise decides).
    const limit = [raw.reply, memory.reply]
      .filter((reply): reply is LoadReply => reply !== undefined)
      .sort((a, b) => a.ms / a.quads - b.ms / b.quads)[0];
    for (const path of [raw.figure, memory.figure]) {
      if (path.status === 'ok' && limit)
        path.ratioToRawLoad = ratio(path.triplesPerSecond ?? 0, limit.quads / (limit.ms / 1000));
    }
    const http = await durablePath('HTTP API → durable store', dataset, limit, httpApi);
    const ingest = await durablePath('provml ingest → durable store', dataset, limit, provmlIngest);
    return {
      size,
      triples: dataset.manifest.triples,
      events: dataset.manifest.events,
      paths: [raw.figure, memory.figure, http, ingest],
    };
  });
}
