import { codeForHttpStatus, ProvmlError } from '../errors.ts';
import { SPARQL_RESULTS_JSON, type SparqlJson, solutionsFromJson } from '../rdf/index.ts';
import type { ProvenanceBackend } from './backend.ts';

/**
 * A running provml server as the backend of `provml mcp`: the data directory belongs to the server, so the
 * stdio MCP server reads through its HTTP API like any other client (catalog analyses through
 * /api/v1/queries, free SPARQL through /sparql). Reads need no token; one is sent when given.
 */
export function httpBackend(baseUrl: string, token?: string): ProvenanceBackend {
  const base = baseUrl.replace(/\/+$/, '');
  const request = async (path: string, body: string, contentType: string): Promise<unknown> => {
    let response: Response;
    try {
      response = await fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': contentType,
          accept: SPARQL_RESULTS_JSON,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body,
      });
    } catch (error) {
      const cause =
        error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
      throw new ProvmlError(
        'Unavailable',
        `provml server not reachable at ${base} (${cause}); start it with provml serve.`,
      );
    }
    const text = await response.text();
    if (!response.ok)
      throw new ProvmlError(codeForHttpStatus(response.status), text.trim() || `HTTP ${response.status}`);
    return JSON.parse(text) as unknown;
  };
  const sparql = (query: string) =>
    request('/sparql', new URLSearchParams({ query }).toString(), 'application/x-www-form-urlencoded');
  return {
    runAnalysis: async (entry, values) =>
      solutionsFromJson(
        (await request(
          `/api/v1/queries/${encodeURIComponent(entry.name)}`,
          JSON.stringify({ params: values }),
          'application/json',
        )) as SparqlJson,
      ),
    select: async (query) => solutionsFromJson((await sparql(query.text)) as SparqlJson),
    ask: async (query) => Boolean(((await sparql(query.text)) as { boolean?: boolean }).boolean),
  };
}
