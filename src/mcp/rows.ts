import { type Term, termToNTriples } from '../rdf/index.ts';
import type { SelectResult } from '../store/index.ts';
import { xsd } from '../vocab.ts';

const NUMERIC = new Set(['integer', 'decimal', 'double', 'float', 'long', 'int'].map(xsd));

/** A term as an agent reads it: IRIs and strings as text, numbers as numbers, booleans as booleans. */
function plainValue(term: Term): string | number | boolean {
  switch (term.termType) {
    case 'Literal':
      if (NUMERIC.has(term.datatype.value)) return Number(term.value);
      if (term.datatype.value === xsd('boolean')) return term.value === 'true' || term.value === '1';
      return term.value;
    case 'NamedNode':
      return term.value;
    default:
      return termToNTriples(term);
  }
}

export function plainRows(result: SelectResult): Array<Record<string, string | number | boolean>> {
  return result.rows.map((row) =>
    Object.fromEntries(Object.entries(row).map(([name, term]) => [name, plainValue(term)])),
  );
}
