// The one SPARQL results writer (JSON, XML, CSV, TSV). No maintained library writes results outside a
// query engine (Comunica's serializers are actors needing its bus and a bindings stream), so it is here.
import { ProvmlError } from '../errors.ts';
import { SPARQL_RESULTS_NS } from '../vocab.ts';
import { CSV, SPARQL_RESULTS_JSON, SPARQL_RESULTS_XML, TSV } from './media-types.ts';
import { termToNTriples } from './ntriples.ts';
import { booleanToJson, type JsonTerm, type Solutions, toJsonTerm } from './sparql-json.ts';
import { type Term, XSD_STRING } from './terms.ts';

export const RESULTS_MEDIA_TYPES: readonly string[] = [SPARQL_RESULTS_JSON, SPARQL_RESULTS_XML, CSV, TSV];

export function serializeSolutions(result: Solutions, mediaType: string): string {
  const writer = solutionsWriter(result.variables, mediaType);
  return `${writer.head}${result.rows.map(writer.row).join(writer.separator)}${writer.tail}`;
}

/**
 * The same document as serializeSolutions, written as the rows come in pages: a piece per page as soon as it
 * comes (the first with the head), then the tail.
 */
export function serializeSolutionPages(
  variables: string[],
  pages: AsyncIterable<ReadonlyArray<Record<string, Term>>>,
  mediaType: string,
): AsyncGenerator<string> {
  // Built before the first page is pulled: a media type it cannot write is refused at once.
  return writePages(solutionsWriter(variables, mediaType), pages);
}

async function* writePages(
  writer: SolutionsWriter,
  pages: AsyncIterable<ReadonlyArray<Record<string, Term>>>,
): AsyncGenerator<string> {
  let started = false;
  for await (const page of pages) {
    if (page.length === 0) continue;
    const rows = page.map(writer.row).join(writer.separator);
    yield started ? `${writer.separator}${rows}` : `${writer.head}${rows}`;
    started = true;
  }
  if (!started) yield `${writer.head}${writer.tail}`;
  else if (writer.tail !== '') yield writer.tail;
}

/** A results document in three parts: what precedes the rows, each row, what follows them. */
interface SolutionsWriter {
  head: string;
  row: (row: Record<string, Term>) => string;
  separator: string;
  tail: string;
}

function solutionsWriter(variables: string[], mediaType: string): SolutionsWriter {
  switch (mediaType) {
    case SPARQL_RESULTS_JSON:
      return {
        head: `{"head":${JSON.stringify({ vars: variables })},"results":{"bindings":[`,
        row: (row) => JSON.stringify(jsonBinding(row)),
        separator: ',',
        tail: ']}}',
      };
    case SPARQL_RESULTS_XML:
      return {
        head: `<?xml version="1.0"?>\n<sparql xmlns="${SPARQL_RESULTS_NS}"><head>${variables.map((v) => `<variable name="${xmlEscape(v)}"/>`).join('')}</head><results>`,
        row: xmlRow,
        separator: '',
        tail: '</results></sparql>',
      };
    case CSV:
      return delimited(variables, ',', csvTerm, (v) => v);
    case TSV:
      return delimited(variables, '\t', termToNTriples, (v) => `?${v}`);
    default:
      throw unsupported(mediaType);
  }
}

export function serializeBoolean(value: boolean, mediaType: string): string {
  switch (mediaType) {
    case SPARQL_RESULTS_JSON:
      return JSON.stringify(booleanToJson(value));
    case SPARQL_RESULTS_XML:
      return `<?xml version="1.0"?>\n<sparql xmlns="${SPARQL_RESULTS_NS}"><head/><boolean>${value}</boolean></sparql>`;
    case CSV:
    case TSV:
      return `${value}\n`;
    default:
      throw unsupported(mediaType);
  }
}

/** SPARQL 1.1 Query Results CSV (plain values, CRLF line ends). */
export function solutionsCsv(result: Solutions): string {
  return serializeSolutions(result, CSV);
}

function unsupported(mediaType: string): ProvmlError {
  return new ProvmlError(
    'NotAcceptable',
    `Cannot serialize SPARQL results as ${mediaType}: ask for JSON, XML, CSV or TSV.`,
  );
}

function jsonBinding(row: Record<string, Term>): Record<string, JsonTerm> {
  const binding: Record<string, JsonTerm> = {};
  for (const [name, term] of Object.entries(row)) binding[name] = toJsonTerm(term);
  return binding;
}

function xmlRow(row: Record<string, Term>): string {
  const bindings = Object.entries(row).map(
    ([name, term]) => `<binding name="${xmlEscape(name)}">${xmlTerm(term)}</binding>`,
  );
  return `<result>${bindings.join('')}</result>`;
}

function xmlTerm(term: Term): string {
  switch (term.termType) {
    case 'NamedNode':
      return `<uri>${xmlEscape(term.value)}</uri>`;
    case 'BlankNode':
      return `<bnode>${xmlEscape(term.value)}</bnode>`;
    case 'Literal':
      if (term.language)
        return `<literal xml:lang="${xmlEscape(term.language)}">${xmlEscape(term.value)}</literal>`;
      if (term.datatype.value === XSD_STRING) return `<literal>${xmlEscape(term.value)}</literal>`;
      return `<literal datatype="${xmlEscape(term.datatype.value)}">${xmlEscape(term.value)}</literal>`;
    case 'Quad':
      return `<triple><subject>${xmlTerm(term.subject)}</subject><predicate>${xmlTerm(term.predicate)}</predicate><object>${xmlTerm(term.object)}</object></triple>`;
    default:
      return '';
  }
}

function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A CSV cell: blank nodes as `_:label`, quoted triples in N-Triples, anything else its plain value. */
function csvTerm(term: Term): string {
  const text =
    term.termType === 'BlankNode'
      ? `_:${term.value}`
      : term.termType === 'Quad' || term.termType === 'DefaultGraph'
        ? termToNTriples(term)
        : term.value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** CSV or TSV: a header line, a line per row (CRLF line ends). */
function delimited(
  variables: string[],
  separator: string,
  cell: (t: Term) => string,
  header: (v: string) => string,
): SolutionsWriter {
  return {
    head: `${variables.map(header).join(separator)}\r\n`,
    row: (row) => `${variables.map((v) => (row[v] ? cell(row[v] as Term) : '')).join(separator)}\r\n`,
    separator: '',
    tail: '',
  };
}
