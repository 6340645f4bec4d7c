// The SPARQL 1.1 Service Description served on GET /sparql without a query.
import { escapeString, iriToNTriples, parseRdf, serializeRdf, TURTLE } from '../../rdf/index.ts';
import { MAX_NESTING, MAX_OPERATION_DEPTH } from '../../store/index.ts';
import { FORMATS_NS, NS, rdfs, SIMPLE_ENTAILMENT } from '../../vocab.ts';

export interface DescriptionOptions {
  /** Absolute IRI of the endpoint as the client reached it. */
  endpoint: string;
  unionDefaultGraph: boolean;
}

// W3C format names (http://www.w3.org/ns/formats/) for what /sparql answers in and /store reads.
const RESULT_FORMATS = [
  'SPARQL_Results_JSON',
  'SPARQL_Results_XML',
  'SPARQL_Results_CSV',
  'SPARQL_Results_TSV',
];
const GRAPH_FORMATS = ['Turtle', 'N-Triples', 'N-Quads', 'TriG', 'JSON-LD', 'RDF_XML'];
// What /store reads (N-Quads, TriG and JSON-LD with default-graph data only).
const INPUT_FORMATS = ['Turtle', 'N-Triples', 'N-Quads', 'TriG', 'JSON-LD', 'RDF_XML'];

export function serviceDescriptionTurtle(options: DescriptionOptions): string {
  const sd = (local: string): string => iriToNTriples(NS.sd + local);
  const fmt = (names: string[]): string => names.map((name) => iriToNTriples(FORMATS_NS + name)).join(', ');
  // SERVICE is answered (by Comunica, with write access); sd:UnionDefaultGraph holds for updates too.
  const features: string[] = [sd('BasicFederatedQuery')];
  if (options.unionDefaultGraph) features.push(sd('UnionDefaultGraph'));
  const lines = [
    `_:service a ${sd('Service')} ;`,
    `  ${sd('endpoint')} ${iriToNTriples(options.endpoint)} ;`,
    `  ${sd('supportedLanguage')} ${sd('SPARQL11Query')}, ${sd('SPARQL11Update')} ;`,
    `  ${sd('resultFormat')} ${fmt([...RESULT_FORMATS, ...GRAPH_FORMATS])} ;`,
    `  ${sd('inputFormat')} ${fmt(INPUT_FORMATS)} ;`,
    ...(features.length > 0 ? [`  ${sd('feature')} ${features.join(', ')} ;`] : []),
    `  ${sd('defaultEntailmentRegime')} ${iriToNTriples(SIMPLE_ENTAILMENT)} ;`,
    `  ${sd('defaultDataset')} _:dataset .`,
    `_:dataset a ${sd('Dataset')} ;`,
    `  ${iriToNTriples(rdfs('comment'))} ${escapeString(datasetComment(options))} ;`,
    `  ${sd('defaultGraph')} _:defaultGraph .`,
    `_:defaultGraph a ${sd('Graph')} .`,
  ];
  return `${lines.join('\n')}\n`;
}

function datasetComment(options: DescriptionOptions): string {
  const seen = options.unionDefaultGraph
    ? 'the union of all graphs, for the WHERE of an update as for a query; a triple an update deletes from it is deleted from every graph holding it'
    : 'the stored default graph';
  return (
    `Without FROM, FROM NAMED, USING, USING NAMED, WITH or the protocol's dataset parameters, the default graph is ${seen}. ` +
    'An operation that names its dataset gets exactly that dataset; default-graph-uri / named-graph-uri override FROM / FROM NAMED. ' +
    'INSERT without GRAPH writes to the stored default graph; DELETE DATA removes from the stored graphs it names (the stored default graph without GRAPH). ' +
    `Relative IRIs resolve against ${options.endpoint}. Operations nesting deeper than ${MAX_NESTING} brackets, or chaining more than ${MAX_OPERATION_DEPTH} operations along one path, are refused (400).`
  );
}

/** The description serialized in any RDF media type the store writes. */
export async function serviceDescription(options: DescriptionOptions, mediaType: string): Promise<string> {
  const turtle = serviceDescriptionTurtle(options);
  if (mediaType === TURTLE) return turtle;
  return serializeRdf(await parseRdf(turtle, TURTLE), mediaType);
}
