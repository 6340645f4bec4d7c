import { Command, CommanderError } from 'commander';
import { registerBench } from './bench.ts';
import { registerDemo } from './demo.ts';
import { registerExport } from './export.ts';
import { registerImport } from './import.ts';
import { registerIngest } from './ingest.ts';
import { registerQuery } from './query.ts';
import { registerRecover } from './recover.ts';
import { registerServe } from './serve.ts';
import { registerValidate } from './validate.ts';

/**
 * The `provml` command. Each subcommand lives in its own module and registers itself here.
 * Returns the process exit code: 0 on success, non-zero with a one-line reason on failure.
 */
export async function main(argv: string[]): Promise<number> {
  const program = new Command('provml')
    .description('Workflow provenance for the lifecycle of scientific machine learning (PROV-ML).')
    .exitOverride()
    .showHelpAfterError();
  // Subcommands register here, one line each, e.g. registerServe(program);
  registerServe(program);
  registerIngest(program);
  registerDemo(program);
  registerValidate(program);
  registerQuery(program);
  registerExport(program);
  registerImport(program);
  registerBench(program);
  registerRecover(program);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    process.stderr.write(`provml: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
