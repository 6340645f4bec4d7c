// The one SPARQL results writer (JSON, XML, CSV, TSV). No maintained library writes results outside a
// query engine (Comunica's serializers are actors needing its bus and a bindings stream), so it is here.
import { ProvmlError } from '../errors.ts';
import { SPARQL_RESULTS_NS } from '../vocab.ts';
import { CSV, SPARQL_RESULTS_JSON, SPARQL_RESULTS_XML, TSV } from './media-types.ts';
import { termToNTriples } from './ntriples.ts';
import { booleanToJson, type Solutions, solutionsToJson } from './sparql-json.ts';
import { type Term, XSD_STRING } from './terms.ts';

export const RESULTS_MEDIA_TYPES: readonly string[] = [SPARQL_RESULTS_JSON, SPARQL_RESULTS_XML, CSV, TSV];

export function serializeSolutions(result: Solutions, mediaType: string): string {
  switch (mediaType) {
    case SPARQL_RESULTS_JSON:
      return JSON.stringify(solutionsToJson(result));
    case SPARQL_RESULTS_XML:
      return solutionsXml(result);
    case CSV:
      return solutionsCsv(result);
    case TSV:
      return delimited(result, '\t', termToNTriples, (v) => `?${v}`);
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
  return delimited(result, ',', csvTerm, (v) => v);
}

function unsupported(mediaType: string): ProvmlError {
  return new ProvmlError(
    'NotAcceptable',
    `Cannot serialize SPARQL results as ${mediaType}: ask for JSON, XML, CSV or TSV.`,
  );
}

function solutionsXml(result: Solutions): string {
  const head = result.variables.map((v) => `<variable name="${xmlEscape(v)}"/>`).join('');
  const rows = result.rows.map((row) => {
    const bindings = Object.entries(row).map(
      ([name, term]) => `<binding name="${xmlEscape(name)}">${xmlTerm(term)}</binding>`,
    );
    return `<result>${bindings.join('')}</result>`;
  });
  return `<?xml version="1.0"?>\n<sparql xmlns="${SPARQL_RESULTS_NS}"><head>${head}</head><results>${rows.join('')}</results></sparql>`;
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

function delimited(
  result: Solutions,
  separator: string,
  cell: (t: Term) => string,
  header: (v: string) => string,
): string {
  const lines = [result.variables.map(header).join(separator)];
  for (const row of result.rows)
    lines.push(result.variables.map((v) => (row[v] ? cell(row[v] as Term) : '')).join(separator));
  return `${lines.join('\r\n')}\r\n`;
}
