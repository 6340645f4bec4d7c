import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import type { Command } from 'commander';
import { DEFAULT_SERVER_URL } from '../client/index.ts';
import { UsageError } from '../errors.ts';
import { FORMAT_NAMES, parseFormatName } from '../interchange/index.ts';
import { serverRequest, serverUrl } from './query.ts';

interface ExportFlags {
  openlineage?: boolean;
  execution: string[];
  namespace?: string;
  graph?: string;
  experiment?: string;
  model?: string;
  format: string;
  output?: string;
  url?: string;
}

/** `provml export --graph|--experiment|--model IRI [--format jsonld] [--output FILE]` from a running server. */
export function registerExport(program: Command): void {
  program
    .command('export')
    .description(
      "Export a workflow execution's graph, an experiment, or a model's full lineage as JSON-LD, Turtle, TriG or N-Quads.",
    )
    .option('--graph <iri>', 'the named graph of a workflow execution')
    .option('--experiment <iri>', 'every graph of the experiment')
    .option('--model <iri>', 'the model and everything it transitively comes from, across graphs')
    .option(
      '-f, --format <format>',
      `${FORMAT_NAMES.join(', ')}, or svg (with --model: the lineage picture)`,
      'jsonld',
    )
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .option(
      '--openlineage',
      'OpenLineage RunEvents (NDJSON) of every execution, or of --execution/--experiment',
    )
    .option('--execution <iri>', 'with --openlineage: a workflow execution (repeatable)', collect, [])
    .option('--namespace <ns>', 'with --openlineage: the job namespace (default provml)')
    .option('--url <url>', `server base URL (env PROVML_URL, default ${DEFAULT_SERVER_URL})`)
    .action(async (flags: ExportFlags) => {
      if (flags.openlineage) {
        await exportOpenLineage(flags);
        return;
      }
      if (flags.execution.length > 0 || flags.namespace)
        throw new UsageError('--execution and --namespace go with --openlineage.');
      const targets = (['graph', 'experiment', 'model'] as const).filter((key) => flags[key] !== undefined);
      if (targets.length !== 1) throw new UsageError('Give exactly one of --graph, --experiment or --model.');
      const key = targets[0] as 'graph' | 'experiment' | 'model';
      const response = await serverRequest(
        exportUrl(serverUrl(flags.url), key, flags[key] ?? '', flags.format),
      );
      await writeBody(response, flags.output);
    });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** `provml export --openlineage`: GET /api/v1/export/openlineage, written as it comes (NDJSON). */
async function exportOpenLineage(flags: ExportFlags): Promise<void> {
  if (flags.graph || flags.model)
    throw new UsageError(
      'With --openlineage, choose executions by --execution or --experiment (not --graph or --model).',
    );
  const params = new URLSearchParams();
  for (const execution of flags.execution) params.append('execution', execution);
  if (flags.experiment) params.set('experiment', flags.experiment);
  if (flags.namespace) params.set('namespace', flags.namespace);
  const response = await serverRequest(`${serverUrl(flags.url)}/api/v1/export/openlineage?${params}`);
  await writeBody(response, flags.output);
}

/**
 * Writes the body as it arrives (the file or standard output pulls it), so an export of any size passes
 * through in bounded memory. A body cut short by the server fails here: the file is then removed.
 */
async function writeBody(response: Response, output: string | undefined): Promise<void> {
  const body = response.body
    ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)
    : Readable.from([]);
  if (!output) {
    await pipeline(body, process.stdout, { end: false });
    return;
  }
  try {
    await pipeline(body, createWriteStream(output));
  } catch (error) {
    await rm(output, { force: true });
    throw error;
  }
}

/** The lineage picture comes from /api/v1/lineage (models only); every RDF format from /api/v1/export. */
function exportUrl(base: string, key: 'graph' | 'experiment' | 'model', iri: string, format: string): string {
  if (format.trim().toLowerCase() === 'svg') {
    if (key !== 'model') throw new UsageError('-f svg draws the lineage of a model: give --model IRI.');
    return `${base}/api/v1/lineage?${new URLSearchParams({ model: iri, format: 'svg' })}`;
  }
  return `${base}/api/v1/export?${new URLSearchParams({ [key]: iri, format: parseFormatName(format) })}`;
}
