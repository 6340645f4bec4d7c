import {
  fromJsonTerm,
  type JsonTerm,
  type SelectResult,
  type Term,
  termToNTriples,
  toJsonTerm,
} from '../store/index.ts';
import { NS } from '../vocab.ts';
export interface SparqlJson {
  head: { vars: string[] };
  results: { bindings: Array<Record<string, JsonTerm>> };
}

/** SPARQL 1.1 Query Results JSON. */
export function toSparqlJson(result: SelectResult): SparqlJson {
  return {
    head: { vars: result.variables },
    results: {
      bindings: result.rows.map((row) => {
        const binding: Record<string, JsonTerm> = {};
        for (const [name, term] of Object.entries(row)) binding[name] = toJsonTerm(term);
        return binding;
      }),
    },
  };
}

export function fromSparqlJson(json: SparqlJson): SelectResult {
  return {
    variables: json.head.vars ?? [],
    rows: (json.results?.bindings ?? []).map((binding) => {
      const row: Record<string, Term> = {};
      for (const [name, term] of Object.entries(binding)) row[name] = fromJsonTerm(term);
      return row;
    }),
  };
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** SPARQL 1.1 Query Results CSV (plain values, CRLF line ends). */
export function toCsv(result: SelectResult): string {
  const lines = [result.variables.map(csvField).join(',')];
  for (const row of result.rows) {
    lines.push(result.variables.map((name) => csvField(displayValue(row[name], false))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

const PREFIXES = Object.entries(NS).sort((a, b) => b[1].length - a[1].length);

function displayValue(term: Term | undefined, compact: boolean): string {
  if (!term) return '';
  if (term.termType === 'BlankNode') return `_:${term.value}`;
  if (term.termType === 'NamedNode' && compact) {
    const found = PREFIXES.find(([, iri]) => term.value.startsWith(iri));
    return found ? `${found[0]}:${term.value.slice(found[1].length)}` : term.value;
  }
  if (term.termType === 'Quad' || term.termType === 'DefaultGraph') return termToNTriples(term);
  return term.value;
}

/** An aligned text table for terminals; IRIs in known namespaces are shown with their prefix. */
export function toTable(result: SelectResult): string {
  const header = result.variables;
  const rows = result.rows.map((row) =>
    header.map((name) => displayValue(row[name], true).replace(/\s+/g, ' ')),
  );
  const widths = header.map((name, i) =>
    rows.reduce((width, row) => Math.max(width, (row[i] ?? '').length), name.length),
  );
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  out.push(`(${rows.length} row${rows.length === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}
