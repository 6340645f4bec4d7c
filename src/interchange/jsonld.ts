import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import jsonld from 'jsonld';
import { defaultConfig } from '../config.ts';
import { BadRequestError, ProvmlError } from '../errors.ts';
import { JSONLD_CONTEXT_IRI } from '../vocab.ts';

/** The shipped context file and where it lives (config.ontologyDir). */
export interface JsonLdEnvironment {
  /** The parsed content of ontology/context.jsonld (an object with an "@context" member). */
  contextDocument: Record<string, unknown>;
}

type RemoteDocument = { contextUrl: null; documentUrl: string; document: unknown };
type DocumentLoader = (url: string) => Promise<RemoteDocument>;

/** jsonld asked for a document that is not shipped: provml never touches the network for JSON-LD. */
export class RemoteContextError extends BadRequestError {
  constructor(url: string) {
    super(
      `JSON-LD refers to ${url}, which provml will not fetch (no network access for JSON-LD). Use the shipped context ${JSONLD_CONTEXT_IRI}, or inline the context in the document.`,
    );
  }
}

const cache = new Map<string, Promise<JsonLdEnvironment>>();

/** Reads ontology/context.jsonld once per directory. */
export function loadJsonLdEnvironment(
  ontologyDir: string = defaultConfig().ontologyDir,
): Promise<JsonLdEnvironment> {
  let environment = cache.get(ontologyDir);
  if (!environment) {
    environment = readContext(join(ontologyDir, 'context.jsonld'));
    environment.catch(() => cache.delete(ontologyDir));
    cache.set(ontologyDir, environment);
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
  const documentLoader = localDocumentLoader(environment);
  const expanded = await jsonld.fromRDF(nquads, { format: 'application/n-quads' } as never);
  const compact = jsonld.compact as unknown as (
    input: unknown,
    context: string,
    options: object,
  ) => Promise<Record<string, unknown>>;
  return compact(expanded, JSONLD_CONTEXT_IRI, { documentLoader });
}

/**
 * JSON-LD text → N-Quads. Safe mode makes jsonld fail instead of silently dropping terms it cannot map
 * to IRIs (a frequent, silent loss when a context is missing a term).
 */
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
  const documentLoader = localDocumentLoader(environment);
  try {
    const options = {
      format: 'application/n-quads',
      documentLoader,
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
  const details = error as { message?: string; details?: { cause?: unknown } };
  const cause = details.details?.cause;
  if (cause instanceof ProvmlError) return cause;
  return new BadRequestError(`Invalid JSON-LD: ${details.message ?? String(error)}`, { cause: error });
}
