import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BadRequestError } from '../errors.ts';
import { N_TRIPLES } from '../rdf/index.ts';
import type { ProvStore, QueryOptions, SelectResult, SerializedResults } from '../store/index.ts';
import { querySerialized, selectRows } from '../store/index.ts';
import { bindQuery, hasBindMarker, type ParamValues } from './bind.ts';
import { type CatalogHeader, parseHeader } from './catalog-header.ts';
import { UnknownQueryError } from './errors.ts';
import { federatedSelect } from './federation.ts';
import { bindPrepared } from './prepared-bind.ts';
import type { SourceSpec } from './sources.ts';

/** queries/ of the package (catalog .rq files; federated ones in queries/federated/). */
export const DEFAULT_CATALOG_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../queries');

export interface CatalogEntry extends CatalogHeader {
  /** Path of the .rq file. */
  file: string;
  /** The SPARQL text, header included. */
  query: string;
}

export class Catalog {
  private readonly entries: Map<string, CatalogEntry>;
  constructor(entries: CatalogEntry[]) {
    this.entries = new Map(entries.map((entry) => [entry.name, entry]));
  }
  list(): CatalogEntry[] {
    return [...this.entries.values()].sort((a, b) => a.name.localeCompare(b.name));
  }
  get(name: string): CatalogEntry {
    const entry = this.entries.get(name);
    if (!entry) throw new UnknownQueryError(name, [...this.entries.keys()].sort());
    return entry;
  }
}

async function rqFiles(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const item of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, item.name);
    if (item.isDirectory()) found.push(...(await rqFiles(path)));
    else if (item.name.endsWith('.rq')) found.push(path);
  }
  return found;
}

/** Reads every .rq under the directory; a header whose @name differs from the file name is an error. */
export async function loadCatalog(dir: string = DEFAULT_CATALOG_DIR): Promise<Catalog> {
  const entries: CatalogEntry[] = [];
  for (const file of await rqFiles(dir)) {
    const query = await readFile(file, 'utf8');
    const header = parseHeader(query, file);
    if (header.name !== basename(file, '.rq'))
      throw new BadRequestError(`${file}: @name ${header.name} must equal the file name.`);
    if (header.params.length > 0 && !hasBindMarker(query))
      throw new BadRequestError(`${file}: declares parameters but has no "# @bind" line.`);
    if (entries.some((entry) => entry.name === header.name))
      throw new BadRequestError(`${file}: a second query named ${header.name}.`);
    entries.push({ ...header, file, query });
  }
  return new Catalog(entries);
}

let defaultCatalog: Promise<Catalog> | undefined;
/** The package's catalog, read once. */
export function packageCatalog(): Promise<Catalog> {
  defaultCatalog ??= loadCatalog();
  defaultCatalog.catch(() => {
    defaultCatalog = undefined;
  });
  return defaultCatalog;
}

export interface RunOptions {
  /** External sources; when given, the query runs through Comunica with the store as one source. */
  sources?: Array<SourceSpec | string>;
  timeoutMs?: number;
  ontologyDir?: string;
}

/**
 * Runs a catalog query with typed parameters. Queries see the union of all graphs as their default graph
 * (each workflow execution is its own graph, and lineage crosses them). Without external sources it runs on
 * Oxigraph's native engine; with sources, through Comunica.
 */
export async function runCatalogQuery(
  store: ProvStore,
  entry: CatalogEntry,
  values: ParamValues,
  options: RunOptions = {},
): Promise<SelectResult> {
  if (options.sources && options.sources.length > 0) {
    return federatedSelect(bindQuery(entry.query, entry.params, values), {
      store,
      sources: options.sources,
      timeoutMs: options.timeoutMs,
      ontologyDir: options.ontologyDir,
    });
  }
  return selectRows(store, bindPrepared(entry, values), nativeOptions(options));
}

/** How a catalog query runs on the store's own engine: over the union of graphs, within the time limit. */
function nativeOptions(options: Pick<RunOptions, 'timeoutMs'>): QueryOptions {
  return { unionDefaultGraph: true, ...(options.timeoutMs ? { timeoutMs: options.timeoutMs } : {}) };
}

/**
 * A catalog query over the store alone, answered in `mediaType` as the store's engine writes it: what `/sparql`
 * sends for the same text. Rows are not parsed into terms and written again (that cost ~12–34 µs a row, through
 * the engine thread's structured clone), so this is the path for an HTTP answer without external sources.
 */
export async function catalogQuerySerialized(
  store: ProvStore,
  entry: CatalogEntry,
  values: ParamValues,
  mediaType: string,
  options: Pick<RunOptions, 'timeoutMs'> = {},
): Promise<SerializedResults> {
  return querySerialized(
    store,
    bindPrepared(entry, values),
    { results: mediaType, graph: N_TRIPLES },
    nativeOptions(options),
  );
}

/** A catalog entry as clients list it (HTTP and MCP): no SPARQL text, no file path. */
export function describeEntry(entry: CatalogEntry): Record<string, unknown> {
  return {
    name: entry.name,
    description: entry.description,
    phase: entry.phase,
    online: entry.online,
    federated: entry.federated,
    params: entry.params.map((p) => ({
      name: p.name,
      type: p.type,
      required: p.required,
      multiple: p.multiple,
      description: p.description,
    })),
    columns: entry.columns,
  };
}
