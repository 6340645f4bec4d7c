import type { Command } from 'commander';
import { codeForHttpStatus, ProvmlError, UsageError } from '../errors.ts';
import {
  type DataReport,
  type DataSource,
  formatAlignmentReport,
  formatDataReport,
  validateData,
  validateOntology,
} from '../ontology/index.ts';

interface OntologyFlags {
  json?: boolean;
  namespace: string[];
  ontologyDir?: string;
}

interface DataFlags {
  json?: boolean;
  format?: string;
  graph?: string;
  url: string;
  ontologyDir?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];
const GRAPH_ACCEPT =
  'application/n-quads, application/n-triples;q=0.9, text/turtle;q=0.8, application/trig;q=0.7';

/** `provml validate ontology|data`: findings are printed as a table (or JSON); exit 1 when there are any. */
export function registerValidate(program: Command): void {
  const validate = program
    .command('validate')
    .description("Check an ontology's alignment to PROV-O, or captured data against the SHACL shapes.");
  validate
    .command('ontology')
    .description(
      'Check PROV-ML (or any PROV extension given as files) against the alignment rules; exit 0 only when clean.',
    )
    .argument(
      '[files...]',
      'ontology files (Turtle, TriG, N-Quads, N-Triples, RDF/XML, JSON-LD); default: the shipped prov-ml.ttl',
    )
    .option('--json', 'print the report as JSON')
    .option(
      '--namespace <iri>',
      'namespace whose terms are checked (repeatable; default: inferred from the files)',
      collect,
      [],
    )
    .option(
      '--ontology-dir <dir>',
      'directory holding prov-ml.ttl and imports/ (default: the shipped ontology/)',
    )
    .action(async (files: string[], flags: OntologyFlags) => {
      const report = await validateOntology(files, {
        namespaces: flags.namespace,
        ontologyDir: flags.ontologyDir,
      });
      process.stdout.write(
        flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatAlignmentReport(report),
      );
      process.exitCode = report.ok ? 0 : 1;
    });
  validate
    .command('data')
    .description(
      'Validate provenance (a file, or a graph of a running server) against ontology/shapes.ttl; exit 1 on any sh:Violation.',
    )
    .argument('[file]', 'RDF file (Turtle, TriG, N-Quads, N-Triples, RDF/XML, JSON-LD)')
    .option(
      '--format <format>',
      'RDF format of the file: turtle, trig, nquads, ntriples, rdfxml, jsonld (default: from the extension)',
    )
    .option('--graph <iri>', 'validate this named graph of the server at --url (Graph Store protocol)')
    .option('--url <url>', 'base URL of a running provml server', 'http://127.0.0.1:7070')
    .option('--json', 'print the report as JSON')
    .option(
      '--ontology-dir <dir>',
      'directory holding shapes.ttl, prov-ml.ttl and imports/ (default: the shipped ontology/)',
    )
    .action(async (file: string | undefined, flags: DataFlags) => {
      const { source, label } = await dataSource(file, flags);
      const report: DataReport = await validateData(source, { ontologyDir: flags.ontologyDir });
      process.stdout.write(
        flags.json ? `${JSON.stringify(report, null, 2)}\n` : formatDataReport(report, label),
      );
      process.exitCode = report.violations === 0 ? 0 : 1;
    });
}

async function dataSource(
  file: string | undefined,
  flags: DataFlags,
): Promise<{ source: DataSource; label: string }> {
  if (file && flags.graph) throw new UsageError('Give either a file or --graph, not both.');
  if (file) return { source: { file, format: flags.format }, label: file };
  if (!flags.graph)
    throw new UsageError(
      'Nothing to validate: give a file, or --graph IRI (with --url of a running server).',
    );
  const url = new URL('/store', flags.url);
  url.searchParams.set('graph', flags.graph);
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: GRAPH_ACCEPT } });
  } catch (error) {
    throw new ProvmlError(
      'Unavailable',
      `Cannot reach the provml server at ${flags.url} (${(error as Error).message}); is \`provml serve\` running?`,
    );
  }
  if (response.status === 404)
    throw new ProvmlError('NotFound', `The server at ${flags.url} has no graph ${flags.graph}.`);
  if (!response.ok)
    throw new ProvmlError(
      codeForHttpStatus(response.status),
      `GET ${url} answered ${response.status}: ${(await response.text()).slice(0, 200)}`,
    );
  const format = response.headers.get('content-type') ?? 'application/n-quads';
  return { source: { data: await response.text(), format }, label: `graph ${flags.graph} at ${flags.url}` };
}
