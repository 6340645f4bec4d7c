// JSON-LD ↔ N-Quads with the one document loader: the shipped context (ontology/context.jsonld) is served
// by its IRI and every other URL is refused, so JSON-LD never touches the network. Parsing is in safe
// mode: a term the context cannot map to an IRI is an error, never a silently dropped triple.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultConfig } from '../config.ts';
import { BadRequestError, ProvmlError } from '../errors.ts';
import { JSONLD_CONTEXT_IRI } from '../vocab.ts';
import { N_QUADS } from './media-types.ts';

/** The shipped context file as read from an ontology directory (config.ontologyDir). */
export interface JsonLdEnvironment {
  /** The parsed content of context.jsonld (an object with an "@context" member). */
  contextDocument: Record<string, unknown>;
}

export const CONTEXT_FILE = 'context.jsonld';

type RemoteDocument = { contextUrl: null; documentUrl: string; document: unknown };
type DocumentLoader = (url: string) => Promise<RemoteDocument>;
type JsonLd = typeof import('jsonld');

/** jsonld asked for a document that is not shipped: provml never touches the network for JSON-LD. */
export class RemoteContextError extends BadRequestError {
  constructor(url: string) {
    super(
      `JSON-LD refers to ${url}, which provml will not fetch (no network access for JSON-LD). Use the shipped context ${JSONLD_CONTEXT_IRI}, or inline the context in the document.`,
    );
  }
}

const environments = new Map<string, Promise<JsonLdEnvironment>>();
let jsonldModule: Promise<JsonLd> | undefined;

// jsonld takes ~250 ms to import; only JSON-LD work pays for it.
const loadJsonLd = (): Promise<JsonLd> => {
  jsonldModule ??= import('jsonld').then(
    (module) => ((module as { default?: JsonLd }).default ?? module) as JsonLd,
  );
  return jsonldModule;
};

/** Reads context.jsonld once per directory. */
export function loadJsonLdEnvironment(
  ontologyDir: string = defaultConfig().ontologyDir,
): Promise<JsonLdEnvironment> {
  let environment = environments.get(ontologyDir);
  if (!environment) {
    environment = readContext(join(ontologyDir, CONTEXT_FILE));
    environment.catch(() => environments.delete(ontologyDir));
    environments.set(ontologyDir, environment);
  }
  return environment;
}

async function readContext(path: string): Promise<JsonLdEnvironment> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ProvmlError(
      'InvalidConfig',
      `Cannot read the shipped JSON-LD context ${path}; set ontologyDir (PROVML_ONTOLOGY_DIR) to the directory holding context.jsonld.`,
      { cause: error },
    );
  }
  const document = JSON.parse(text) as Record<string, unknown>;
  if (typeof document !== 'object' || document === null || !('@context' in document)) {
    throw new ProvmlError(
      'InvalidConfig',
      `${path} is not a JSON-LD context document (no "@context" member).`,
    );
  }
  return { contextDocument: document };
}

/** Serves the shipped context by its IRI and refuses every other URL. */
export function localDocumentLoader(environment: JsonLdEnvironment): DocumentLoader {
  return async (url: string) => {
    if (url === JSONLD_CONTEXT_IRI)
      return { contextUrl: null, documentUrl: url, document: environment.contextDocument };
    throw new RemoteContextError(url);
  };
}

/** N-Quads → JSON-LD compacted against the shipped context, referenced by IRI. */
export async function nquadsToCompactJsonLd(
  nquads: string,
  environment: JsonLdEnvironment,
): Promise<Record<string, unknown>> {
  const jsonld = await loadJsonLd();
  const documentLoader = localDocumentLoader(environment);
  const expanded = await jsonld.fromRDF(nquads, { format: N_QUADS } as never);
  const compact = jsonld.compact as unknown as (
    input: unknown,
    context: string,
    options: object,
  ) => Promise<Record<string, unknown>>;
  return compact(expanded, JSONLD_CONTEXT_IRI, { documentLoader });
}

/** JSON-LD text → N-Quads (safe mode: a term that maps to no IRI is refused, 400). */
export async function jsonLdToNQuads(
  text: string,
  environment: JsonLdEnvironment,
  baseIri?: string,
): Promise<string> {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new BadRequestError(`Invalid JSON-LD: ${error instanceof Error ? error.message : String(error)}`);
  }
  const jsonld = await loadJsonLd();
  try {
    const options = {
      format: N_QUADS,
      documentLoader: localDocumentLoader(environment),
      safe: true,
      ...(baseIri ? { base: baseIri } : {}),
    };
    return (await jsonld.toRDF(document as never, options as never)) as unknown as string;
  } catch (error) {
    throw asJsonLdError(error);
  }
}

function asJsonLdError(error: unknown): Error {
  if (error instanceof ProvmlError) return error;
  const details = error as {
    message?: string;
    details?: { cause?: unknown; event?: { message?: string; details?: { property?: unknown } } };
  };
  const cause = details.details?.cause;
  if (cause instanceof ProvmlError) return cause;
  // Safe mode names what it would have dropped: say which term, so the context can be fixed.
  const event = details.details?.event;
  const property = event?.details?.property;
  const reason =
    typeof property === 'string'
      ? `the term ${JSON.stringify(property)} is not mapped to an IRI by the context (it would be dropped)`
      : (event?.message ?? details.message ?? String(error));
  return new BadRequestError(`Invalid JSON-LD: ${reason}`, { cause: error });
}
