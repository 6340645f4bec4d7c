import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { DEFAULT_SERVER_URL } from '../client/index.ts';
import { loadConfig } from '../config.ts';
import { type DemoResult, runDemo } from '../demo/run.ts';
import { createLogger } from '../logger.ts';
import { startServer } from '../main.ts';
import { experimentIri } from '../translate/index.ts';

interface DemoFlags {
  url?: string;
  token?: string;
  inProcess?: boolean;
  data?: string;
}

/** `provml demo`: records a seismic-to-model lifecycle through the client and the HTTP API, then summarizes it. */
export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description(
      'Capture a small seismic-to-model ML lifecycle into a running server (npm start), then summarize it.',
    )
    .option('--url <url>', `server base URL (env PROVML_URL, default ${DEFAULT_SERVER_URL})`)
    .option('--token <token>', 'bearer token of the server (env PROVML_TOKEN)')
    .option('--in-process', 'start a temporary server in this process instead of using a running one')
    .option(
      '--data <dir>',
      'with --in-process: keep the store in this directory (default: a temporary one, removed)',
    )
    .action(async (flags: DemoFlags) => {
      const token = flags.token ?? (process.env.PROVML_TOKEN || undefined);
      if (!flags.inProcess) {
        const url = flags.url ?? process.env.PROVML_URL ?? DEFAULT_SERVER_URL;
        print(await runDemo({ url, token, onWarning: warn }), url, false);
        return;
      }
      const dataDir = flags.data ?? mkdtempSync(join(tmpdir(), 'provml-demo-'));
      const config = loadConfig({ flags: { port: 0, dataDir, token, logLevel: 'warn' } });
      const server = await startServer(config, createLogger('warn'), { handleSignals: false });
      try {
        print(await runDemo({ url: server.url, token, onWarning: warn }), server.url, true);
      } finally {
        await server.close();
        if (!flags.data) rmSync(dataDir, { recursive: true, force: true });
      }
      if (flags.data)
        process.stdout.write(
          `\nThe store is kept in ${flags.data}: \`provml serve --data ${flags.data}\` serves it.\n`,
        );
    });
}

function warn(message: string): void {
  process.stderr.write(`${message}\n`);
}

function print(result: DemoResult, url: string, temporary: boolean): void {
  const { delivery, server, record } = result;
  const lines = [
    `provml demo: recorded a seismic-to-model lifecycle at ${url}`,
    delivery.triples === 0 && delivery.delivered > 0
      ? `  ${delivery.delivered} events delivered, all already recorded, nothing written (the demo is repeatable)`
      : `  ${delivery.delivered} events delivered, ${delivery.triples} triples written`,
    `  workflow executions: ${server.workflows.map((w) => `${w.name} ×${w.executions}`).join(', ')}`,
    `  experiment ${record.experimentId} (${server.runs.length} runs):`,
    `    ${pad('run', 40)} ${pad('learning_rate', 14)} ${pad('batch_size', 11)} ${pad('status', 9)} accuracy`,
    ...server.runs.map(
      (run) =>
        `    ${pad(run.execution.split('/').pop() ?? '', 40)} ${pad(run.learningRate ?? '-', 14)} ${pad(run.batchSize ?? '-', 11)} ${pad(run.status ?? '-', 9)} ${run.accuracy ?? '-'}`,
    ),
    `  best model: ${record.bestModel}`,
    '',
    'Ask the query catalog, e.g. the loss per epoch of every run, or the hyperparameters of the best model:',
    `  provml query measure-per-epoch --url ${url} -p measure=loss`,
    `  provml query best-model-hyperparameters --url ${url} -p experiment=${experimentIri(record.experimentId)} -p measure=accuracy -p maximize=true`,
    '',
    temporary
      ? 'The in-process server is stopped now. To query the demo data, run `npm start` in one terminal and `npm run demo` in another, then:'
      : 'Or in plain SPARQL over HTTP:',
    `  curl -s ${url}/sparql -H 'Accept: text/csv' --data-urlencode query@- <<'EOF'`,
    ...LOSS_QUERY.split('\n').map((line) => `  ${line}`),
    '  EOF',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

const LOSS_QUERY = `PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX provml: <https://w3id.org/provml#>
SELECT DISTINCT ?run ?epoch ?loss WHERE {
  ?evaluation provml:hasMeasure/provml:name "loss" ; provml:stageKind "training" ;
              provml:sectionIndex ?epoch ; prov:value ?loss ; prov:wasGeneratedBy/prov:wasInformedBy ?training .
  ?training provml:partOfWorkflowExecution ?run .
} ORDER BY ?run ?epoch`;

const pad = (text: string, width: number): string => text.padEnd(width);
