import { type Term, termToNTriples } from '../rdf/index.ts';
import type { SelectResult } from '../store/index.ts';
import { NS } from '../vocab.ts';

const PREFIXES = Object.entries(NS).sort((a, b) => b[1].length - a[1].length);

/** A term as a terminal shows it: IRIs in known namespaces with their prefix, `_:label`, lexical forms. */
function displayValue(term: Term | undefined): string {
  if (!term) return '';
  if (term.termType === 'BlankNode') return `_:${term.value}`;
  if (term.termType === 'NamedNode') {
    const found = PREFIXES.find(([, iri]) => term.value.startsWith(iri));
    return found ? `${found[0]}:${term.value.slice(found[1].length)}` : term.value;
  }
  if (term.termType === 'Quad' || term.termType === 'DefaultGraph') return termToNTriples(term);
  return term.value;
}

/** An aligned text table for terminals; IRIs in known namespaces are shown with their prefix. */
export function toTable(result: SelectResult): string {
  const header = result.variables;
  const rows = result.rows.map((row) => header.map((name) => displayValue(row[name]).replace(/\s+/g, ' ')));
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
