import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import sparqljs from 'sparqljs';

/**
 * Decides from the parsed query (never from its text) whether the SPARQL tool may run it: SELECT or ASK only,
 * no SERVICE (which would make the server fetch URLs). Returns the query form.
 */
export function checkReadOnly(text: string): 'select' | 'ask' {
  let parsed: sparqljs.SparqlQuery;
  try {
    parsed = new sparqljs.Parser().parse(text);
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new McpError(ErrorCode.InvalidParams, `Argument "query": not valid SPARQL (${message}).`);
  }
  if (parsed.type === 'update')
    throw new McpError(
      ErrorCode.InvalidParams,
      'Argument "query": updates are refused; this tool is read-only.',
    );
  if (parsed.queryType !== 'SELECT' && parsed.queryType !== 'ASK')
    throw new McpError(
      ErrorCode.InvalidParams,
      `Argument "query": ${parsed.queryType} is not answered here; use SELECT or ASK (or /sparql for graphs).`,
    );
  if (usesService(parsed))
    throw new McpError(
      ErrorCode.InvalidParams,
      'Argument "query": SERVICE is refused; the tool reads the local store only.',
    );
  return parsed.queryType === 'ASK' ? 'ask' : 'select';
}

/** Whether any pattern of the parse, at any depth (sub-queries, EXISTS filters), is a SERVICE. */
function usesService(node: unknown): boolean {
  if (Array.isArray(node)) return node.some(usesService);
  if (typeof node !== 'object' || node === null) return false;
  if ((node as { type?: unknown }).type === 'service') return true;
  return Object.values(node).some(usesService);
}
