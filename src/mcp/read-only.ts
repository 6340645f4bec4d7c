import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { type PreparedQuery, prepareQuery, prepareUpdate } from '../store/index.ts';

/**
 * Prepares the SPARQL tool's query with the endpoint's own parser (size and nesting limits, readable errors)
 * and decides from that parse whether it may run: SELECT or ASK only, no SERVICE (which would make the
 * server fetch URLs), never an update.
 */
export function prepareReadOnly(text: string): PreparedQuery {
  let prepared: PreparedQuery;
  try {
    prepared = prepareQuery(text);
  } catch (error) {
    if (isUpdate(text))
      throw new McpError(
        ErrorCode.InvalidParams,
        'Argument "query": updates are refused; this tool is read-only.',
      );
    const message = error instanceof Error ? error.message : String(error);
    throw new McpError(ErrorCode.InvalidParams, `Argument "query": not valid SPARQL (${message}).`);
  }
  if (prepared.form !== 'select' && prepared.form !== 'ask')
    throw new McpError(
      ErrorCode.InvalidParams,
      `Argument "query": ${prepared.form.toUpperCase()} is not answered here; use SELECT or ASK (or /sparql for graphs).`,
    );
  if (prepared.usesService)
    throw new McpError(
      ErrorCode.InvalidParams,
      'Argument "query": SERVICE is refused; the tool reads the local store only.',
    );
  return prepared;
}

function isUpdate(text: string): boolean {
  try {
    prepareUpdate(text);
    return true;
  } catch {
    return false;
  }
}
