import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { type PreparedQuery, prepareQueryAtEdge, prepareUpdateAtEdge } from '../store/index.ts';

/**
 * Prepares the SPARQL tool's query with the endpoint's own parser (size and nesting limits, readable errors)
 * and decides from that parse whether it may run: SELECT or ASK only, no SERVICE (which would make the
 * server fetch URLs), never an update. A large text is parsed off the main thread.
 */
export async function prepareReadOnly(text: string): Promise<PreparedQuery> {
  let prepared: PreparedQuery;
  try {
    prepared = await prepareQueryAtEdge(text);
  } catch (error) {
    if (await isUpdate(text))
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

async function isUpdate(text: string): Promise<boolean> {
  try {
    await prepareUpdateAtEdge(text);
    return true;
  } catch {
    return false;
  }
}
