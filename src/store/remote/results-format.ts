import { ProvmlError } from '../../errors.ts';
import { xsd } from '../../vocab.ts';
import type { SelectResult } from '../api.ts';
import { toJsonTerm } from '../json-results.ts';
import { termToNTriples } from '../ntriples.ts';
import type { Term } from '../terms.ts';

// SELECT / ASK results serialized here rather than by the engine, because Virtuoso's own output
// carries its lexical quirks (booleans as 1/0, `nodeID://` blank nodes) that provml normalizes away.

export const RESULTS_JSON = 'application/sparql-results+json';
const RESULTS_XML = 'application/sparql-results+xml';
const CSV = 'text/csv';
const TSV = 'text/tab-separated-values';
const XSD_STRING = xsd('string');

export function serializeSelect(result: SelectResult, mediaType: string): string {
  switch (mediaType) {
    case RESULTS_JSON:
      return JSON.stringify({
        head: { vars: result.variables },
        results: { bindings: result.rows.map(jsonRow) },
      });
    case RESULTS_XML:
      return selectXml(result);
    case CSV:
      return delimited(result, ',', csvTerm, (v) => v);
    case TSV:
      return delimited(result, '\t', termToNTriples, (v) => `?${v}`);
    default:
      throw unsupported(mediaType);
  }
}

export function serializeBoolean(value: boolean, mediaType: string): string {
  switch (mediaType) {
    case RESULTS_JSON:
      return JSON.stringify({ head: {}, boolean: value });
    case RESULTS_XML:
      return `<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/><boolean>${value}</boolean></sparql>`;
    case CSV:
    case TSV:
      return `${value}\n`;
    default:
      throw unsupported(mediaType);
  }
}

function unsupported(mediaType: string): ProvmlError {
  return new ProvmlError(
    'NotAcceptable',
    `Cannot serialize SPARQL results as ${mediaType}: ask for JSON, XML, CSV or TSV.`,
  );
}

function jsonRow(row: Record<string, Term>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, term] of Object.entries(row)) out[name] = toJsonTerm(term);
  return out;
}

function selectXml(result: SelectResult): string {
  const head = result.variables.map((v) => `<variable name="${xmlEscape(v)}"/>`).join('');
  const rows = result.rows.map((row) => {
    const bindings = Object.entries(row).map(
      ([name, term]) => `<binding name="${xmlEscape(name)}">${xmlTerm(term)}</binding>`,
    );
    return `<result>${bindings.join('')}</result>`;
  });
  return `<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>${head}</head><results>${rows.join('')}</results></sparql>`;
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

function csvTerm(term: Term): string {
  const text =
    term.termType === 'BlankNode'
      ? `_:${term.value}`
      : term.termType === 'Quad'
        ? termToNTriples(term)
        : term.value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function delimited(
  result: SelectResult,
  separator: string,
  cell: (t: Term) => string,
  header: (v: string) => string,
): string {
  const lines = [result.variables.map(header).join(separator)];
  for (const row of result.rows)
    lines.push(result.variables.map((v) => (row[v] ? cell(row[v] as Term) : '')).join(separator));
  return `${lines.join('\r\n')}\r\n`;
}
