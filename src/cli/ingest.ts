import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { DEFAULT_SERVER_URL } from '../client/index.ts';
import { UsageError } from '../errors.ts';
import { type FileSummary, ingestFiles } from './ingest-files.ts';

interface IngestFlags {
  url?: string;
  token?: string;
  batchSize: string;
  format: string;
  restart?: boolean;
  onConflict: string;
}

/** `provml ingest FILE…`: loads offline NDJSON captures through a running server (which holds the store). */
export function registerIngest(program: Command): void {
  program
    .command('ingest')
    .description(
      'Send NDJSON capture files (offline captures, spill files) to a running provml server; resumable.',
    )
    .argument('<files...>', 'NDJSON files of events (a JSON array file works too)')
    .option('--url <url>', `server base URL (env PROVML_URL, default ${DEFAULT_SERVER_URL})`)
    .option('--token <token>', 'bearer token of the server (env PROVML_TOKEN)')
    .option('--batch-size <n>', 'events per request', '1000')
    .option('--format <format>', 'provml or flowcept', 'provml')
    .option('--restart', 'ignore <file>.provml-progress and start each file from its beginning')
    .option(
      '--on-conflict <mode>',
      'an event id recorded before with other content: refuse (stop, exit 1) or replace it',
      'refuse',
    )
    .action(async (files: string[], flags: IngestFlags) => {
      const batchSize = Number(flags.batchSize);
      if (!Number.isInteger(batchSize) || batchSize < 1)
        throw new UsageError(`--batch-size must be a positive integer, got '${flags.batchSize}'.`);
      if (flags.format !== 'provml' && flags.format !== 'flowcept') {
        throw new UsageError(`--format must be provml or flowcept, got '${flags.format}'.`);
      }
      if (flags.onConflict !== 'refuse' && flags.onConflict !== 'replace') {
        throw new UsageError(`--on-conflict must be refuse or replace, got '${flags.onConflict}'.`);
      }
      const bar = process.stderr.isTTY ? progressBar() : undefined;
      let current = '';
      try {
        const summaries = await ingestFiles(files, {
          url: flags.url ?? process.env.PROVML_URL ?? DEFAULT_SERVER_URL,
          token: flags.token ?? (process.env.PROVML_TOKEN || undefined),
          batchSize,
          format: flags.format,
          onConflict: flags.onConflict,
          restart: flags.restart,
          onProgress: (file, done, total) => {
            if (!bar) return;
            if (file !== current) {
              if (current) bar.stop();
              current = file;
              bar.start(total, 0, { file: basename(file) });
            }
            bar.update(done);
          },
        });
        bar?.stop();
        for (const summary of summaries) process.stdout.write(`${describe(summary)}\n`);
      } finally {
        bar?.stop();
      }
    });
}

function progressBar(): SingleBar {
  return new SingleBar({
    stream: process.stderr,
    format: 'ingest {file} [{bar}] {percentage}% | {value}/{total} bytes | {eta_formatted}',
    hideCursor: true,
  });
}

function describe(summary: FileSummary): string {
  const resumed = summary.resumedFrom > 0 ? `, resumed at byte ${summary.resumedFrom}` : '';
  return `${summary.file}: ${summary.events} events, ${summary.triples} triples in ${summary.batches} batch(es)${resumed}`;
}
