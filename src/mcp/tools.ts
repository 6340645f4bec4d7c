import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { ProvmlError } from '../errors.ts';
import {
  bindQuery,
  type Catalog,
  type CatalogEntry,
  describeEntry,
  ParameterError,
  type ParamValues,
  UnknownQueryError,
} from '../query/index.ts';
import type { SelectResult } from '../store/index.ts';
import type { ProvenanceBackend } from './backend.ts';
import { examples } from './example.ts';
import { prepareReadOnly } from './read-only.ts';
import { plainRows } from './rows.ts';

export interface ToolLimits {
  /** Rows a tool returns at most (the answer says when it cut). */
  maxRows: number;
}

const paramValue = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.array(z.union([z.string(), z.number(), z.boolean()])),
]);
const rowLimit = (max: number) =>
  z
    .number()
    .int()
    .min(1)
    .max(max)
    .optional()
    .describe(`Rows to return at most (default 100, at most ${max}).`);

// Every tool refuses an argument it does not know (a misspelt filter would otherwise widen the answer
// silently); the input schema an agent reads says so with additionalProperties: false.
const noArguments = z.object({}).strict();

/** A tool's answer: the rows (or boolean) as JSON text and structured content, always with the SPARQL run. */
function answer(payload: Record<string, unknown>) {
  return {
    content: [{ type: 'text' as const, text: JSON.stringify(payload, null, 2) }],
    structuredContent: payload,
  };
}

function tabulate(result: SelectResult, limit: number, sparql: string): Record<string, unknown> {
  const rows = plainRows(result);
  return {
    columns: result.variables,
    rows: rows.slice(0, limit),
    rowCount: rows.length,
    truncated: rows.length > limit,
    sparql,
  };
}

/**
 * Turns what went wrong into an MCP error: a bad argument is InvalidParams naming the argument; a failure of
 * the store or server keeps its message (the query time limit, a read-only store, an unreachable server).
 */
function asMcpError(error: unknown, argument: string): McpError {
  if (error instanceof McpError) return error;
  if (error instanceof ParameterError)
    return new McpError(ErrorCode.InvalidParams, `Argument "${argument}.${error.param}": ${error.message}`);
  if (error instanceof UnknownQueryError)
    return new McpError(ErrorCode.InvalidParams, `Argument "name": ${error.message}`);
  if (error instanceof ProvmlError && error.code === 'BadRequest')
    return new McpError(ErrorCode.InvalidParams, `Argument "${argument}": ${error.message}`);
  return new McpError(ErrorCode.InternalError, error instanceof Error ? error.message : String(error));
}

async function guarded<T>(argument: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw asMcpError(error, argument);
  }
}

/** Runs a catalog entry with bound parameters; the SPARQL shown is the bound text the backend ran. */
async function runEntry(backend: ProvenanceBackend, entry: CatalogEntry, values: ParamValues, limit: number) {
  const sparql = bindQuery(entry.query, entry.params, values);
  return tabulate(await backend.runAnalysis(entry, values), limit, sparql);
}

/** The provenance tools: the catalog, read-only SPARQL, the ontology, a model's lineage and finding runs. */
export function registerTools(
  server: McpServer,
  backend: ProvenanceBackend,
  catalog: Catalog,
  limits: ToolLimits,
) {
  const local = catalog.list().filter((entry) => !entry.federated);
  const maxRows = limits.maxRows;

  server.registerTool(
    'list_analyses',
    {
      title: 'List the catalog analyses',
      description:
        'The named analyses of the provml catalog (lineage, best model, metrics per epoch, failed and running tasks, …) with their typed parameters, result columns and SPARQL.',
      inputSchema: noArguments,
      annotations: { readOnlyHint: true },
    },
    // Nothing runs here: each analysis carries the SPARQL run_analysis would run (parameters unbound).
    async () =>
      answer({
        analyses: local.map((entry) => ({
          ...describeEntry(entry),
          resource: `provml://queries/${entry.name}.rq`,
          sparql: entry.query,
        })),
      }),
  );

  server.registerTool(
    'run_analysis',
    {
      title: 'Run a catalog analysis',
      description:
        'Runs a catalog analysis by name with typed parameters (IRIs, strings, numbers, booleans; see list_analyses). Returns the rows and the SPARQL it ran.',
      inputSchema: z
        .object({
          name: z.string().describe('The analysis name, e.g. model-lineage.'),
          params: z.record(z.string(), paramValue).optional().describe('Parameter values by name.'),
          limit: rowLimit(maxRows),
        })
        .strict(),
      annotations: { readOnlyHint: true },
    },
    async ({ name, params, limit }) =>
      answer(
        await guarded('params', async () => {
          const entry = catalog.get(name);
          if (entry.federated)
            throw new McpError(
              ErrorCode.InvalidParams,
              `Argument "name": ${name} joins external sources (federation), which this tool does not reach.`,
            );
          return runEntry(backend, entry, params ?? {}, limit ?? 100);
        }),
      ),
  );

  server.registerTool(
    'sparql_query',
    {
      title: 'Run a read-only SPARQL query',
      description:
        'Runs a SPARQL 1.1 SELECT or ASK query over the provenance as the /sparql endpoint does (updates and SERVICE are refused; the server query time limit applies). Use describe_ontology to learn the terms.',
      inputSchema: z
        .object({
          query: z.string().min(1).describe('SPARQL SELECT or ASK query text.'),
          limit: rowLimit(maxRows),
        })
        .strict(),
      annotations: { readOnlyHint: true },
    },
    async ({ query, limit }) =>
      answer(
        await guarded('query', async () => {
          const prepared = await prepareReadOnly(query);
          if (prepared.form === 'ask') return { boolean: await backend.ask(prepared), sparql: query };
          return tabulate(await backend.select(prepared), limit ?? 100, query);
        }),
      ),
  );

  server.registerTool(
    'describe_ontology',
    {
      title: 'Describe the PROV-ML ontology',
      description:
        'The PROV-ML classes and properties with labels, comments and their parents in PROV-O (prov:) and ML Schema (mls:), plus example capture events (a run of an experiment, a training stage with a hyperparameter and its dataset, a saved model, an evaluation) and the triples each becomes, so that correct SPARQL can be written.',
      inputSchema: noArguments,
      annotations: { readOnlyHint: true },
    },
    async () =>
      answer(
        await guarded('ontology', async () => ({
          ...(await runEntry(backend, catalog.get('ontology-terms'), {}, Number.MAX_SAFE_INTEGER)),
          namespaces: {
            provml: 'https://w3id.org/provml#',
            prov: 'http://www.w3.org/ns/prov#',
            mls: 'http://www.w3.org/ns/mls#',
          },
          notes: [
            'Each workflow execution is stored in its own named graph; catalog analyses read the union of all graphs.',
            'Running = started with no end and no status; provml:hasStatus is provml:Finished or provml:Failed.',
            'Hyperparameter values: ?task provml:usedHyperparameter ?v . ?v provml:attributeName ?name ; prov:value ?value.',
          ],
          examples: examples(),
        })),
      ),
  );

  server.registerTool(
    'model_lineage',
    {
      title: "A model's lineage",
      description:
        'The learning data, domain data and raw data a model came from, across workflows (the model-lineage analysis).',
      inputSchema: z
        .object({
          model: z.string().url().describe('The model IRI, e.g. https://w3id.org/provml/id/data/unet-a.'),
          limit: rowLimit(maxRows),
        })
        .strict(),
      annotations: { readOnlyHint: true },
    },
    async ({ model, limit }) =>
      answer(
        await guarded('model', () =>
          runEntry(backend, catalog.get('model-lineage'), { model }, limit ?? 100),
        ),
      ),
  );

  server.registerTool(
    'find_runs',
    {
      title: 'Find runs',
      description:
        'Workflow executions (runs) by experiment, status (running, finished, failed), hyperparameter name and/or numeric value (learning_rate = 0.01: hyperparameter "learning_rate", hyperparameterValue 0.01) or recorded measure.',
      inputSchema: z
        .object({
          experiment: z.string().url().optional().describe('Experiment IRI.'),
          status: z.enum(['running', 'finished', 'failed']).optional(),
          hyperparameter: z.string().min(1).optional().describe('A hyperparameter name, e.g. learning_rate.'),
          hyperparameterValue: z
            .number()
            .finite()
            .optional()
            .describe(
              'The number the hyperparameter (the one named, else any) was set to, e.g. 0.01; compared as a number.',
            ),
          measure: z.string().min(1).optional().describe('A measure name, e.g. loss.'),
          limit: rowLimit(maxRows),
        })
        .strict(),
      annotations: { readOnlyHint: true },
    },
    async ({ limit, ...filters }) =>
      answer(
        await guarded('filters', () =>
          runEntry(backend, catalog.get('find-runs'), dropUndefined(filters), limit ?? 100),
        ),
      ),
  );
}

function dropUndefined(values: Record<string, string | number | undefined>): ParamValues {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined));
}
