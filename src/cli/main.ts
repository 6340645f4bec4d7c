import { Command, CommanderError } from 'commander';
import { packageVersion } from '../version.ts';
import { exitCodeOf, exitCodesHelp } from './exit-codes.ts';

type Register = (program: Command) => void;

interface Subcommand {
  /** The line `provml --help` shows (the subcommand's own description; test/cli/main.test.ts keeps them equal). */
  summary: string;
  load: () => Promise<Register>;
}

/**
 * Every subcommand, loaded only when it runs: `serve` pulls in the server, Oxigraph and Comunica, which `--version`,
 * `--help` and the client-side subcommands must not pay for at start-up (see docs/performance.md).
 */
export const SUBCOMMANDS: Record<string, Subcommand> = {
  serve: {
    summary: 'Serve /sparql, /store, /health and /api/v1 over the durable embedded store.',
    load: async () => (await import('./serve.ts')).registerServe,
  },
  ingest: {
    summary:
      'Send NDJSON capture files (offline captures, spill files) to a running provml server; resumable.',
    load: async () => (await import('./ingest.ts')).registerIngest,
  },
  demo: {
    summary:
      'Capture a small seismic-to-model ML lifecycle into a running server (npm start), then summarize it.',
    load: async () => (await import('./demo.ts')).registerDemo,
  },
  validate: {
    summary: "Check an ontology's alignment to PROV-O, or captured data against the SHACL shapes.",
    load: async () => (await import('./validate.ts')).registerValidate,
  },
  query: {
    summary: 'Run a catalog query by name, a .rq file or SPARQL text against a running provml server.',
    load: async () => (await import('./query.ts')).registerQuery,
  },
  export: {
    summary:
      "Export a workflow execution's graph, an experiment, or a model's full lineage as JSON-LD, Turtle, TriG or N-Quads.",
    load: async () => (await import('./export.ts')).registerExport,
  },
  import: {
    summary: 'Import JSON-LD, Turtle, TriG, N-Quads or N-Triples into the store of a running provml server.',
    load: async () => (await import('./import.ts')).registerImport,
  },
  mcp: {
    summary:
      'Serve the read-only MCP tools (catalog, SPARQL, ontology, lineage, runs) on stdio, over a running server.',
    load: async () => (await import('./mcp.ts')).registerMcp,
  },
  recover: {
    summary:
      "Check the embedded store's data directory; with --accept-loss, open it despite damage and make it whole.",
    load: async () => (await import('./recover.ts')).registerRecover,
  },
  bench: {
    summary: 'Run the benchmark suite (needs the source checkout); e.g. provml bench -- --quick',
    load: async () => (await import('./bench.ts')).registerBench,
  },
};

/** The subcommand argv names (`provml NAME …` or `provml help NAME`), if any. */
function subcommandOf(argv: string[]): string | undefined {
  const positional = argv.filter((arg) => !arg.startsWith('-'));
  const name = positional[0] === 'help' ? positional[1] : positional[0];
  return name !== undefined && Object.hasOwn(SUBCOMMANDS, name) ? name : undefined;
}

/**
 * The `provml` command. Each subcommand lives in its own module and registers itself; the others appear in the
 * help as their summary only. Returns the process exit code: 0 on success, else the one exit-codes.ts gives
 * the error's code, with a one-line reason on stderr.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('provml')
    .description('Workflow provenance for the lifecycle of scientific machine learning (PROV-ML).')
    .version(packageVersion(), '-V, --version', 'print the version of provml')
    .exitOverride()
    .showHelpAfterError()
    .addHelpText('after', exitCodesHelp());
  const named = subcommandOf(argv);
  try {
    for (const [name, subcommand] of Object.entries(SUBCOMMANDS)) {
      if (name === named) (await subcommand.load())(program);
      else program.command(name).description(subcommand.summary);
    }
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (!(error instanceof CommanderError))
      process.stderr.write(`provml: ${error instanceof Error ? error.message : String(error)}\n`);
    return exitCodeOf(error);
  }
}
