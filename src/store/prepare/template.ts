import type sparqljs from 'sparqljs';
import type { Term } from '../../rdf/index.ts';
import { termToNTriples, toRdfJs } from '../../rdf/index.ts';
import { type PreparedQuery, type PreparedUpdate, prepareQuery, prepareUpdate } from './prepare.ts';

// SPARQL that provml generates itself, run again and again with other terms (the online-state refresh runs a
// dozen per ingested batch): parsing its text anew each time cost more than running it. A template is parsed
// once; binding puts RDF terms into its slots, in the text through the one audited term writer and in the parse
// tree as terms, so the bound operation is exactly what a parse of its text would give, without parsing it.
// A bound term can only be data (a VALUES row, a ground triple): it cannot change the form, the dataset, the
// SERVICE clauses or the nesting read off the template's parse.

/** Where bound terms go: the rows of a `VALUES (?v …)` block, or the ground triples of a quad block. */
export type Slot =
  | { readonly kind: 'values'; readonly variables: readonly string[] }
  | { readonly kind: 'triples' };

export const valuesSlot = (...variables: string[]): Slot => ({ kind: 'values', variables });
export const triplesSlot = (): Slot => ({ kind: 'triples' });

/** A template's text: fixed SPARQL text and slots, in order. */
export type TemplatePart = string | Slot;

/** The terms of one slot: VALUES rows (one term per variable), or triples (subject, predicate, object). */
export type SlotTerms = readonly (readonly Term[])[];

export interface QueryTemplate {
  bind(...slots: SlotTerms[]): PreparedQuery;
}

export interface UpdateTemplate {
  bind(...slots: SlotTerms[]): PreparedUpdate;
}

type TreePath = Array<string | number>;
type TreeNode = Record<string | number, unknown>;

const SENTINEL = 'urn:provml:template-slot:';

export function prepareQueryTemplate(parts: readonly TemplatePart[]): QueryTemplate {
  const { base, bind } = compile(parts, prepareQuery);
  return { bind: (...slots) => bind(base, slots) };
}

export function prepareUpdateTemplate(parts: readonly TemplatePart[]): UpdateTemplate {
  const { base, bind } = compile(parts, prepareUpdate);
  return { bind: (...slots) => bind(base, slots) };
}

function compile<P extends PreparedQuery | PreparedUpdate>(
  parts: readonly TemplatePart[],
  prepare: (text: string) => P,
): { base: P; bind: (base: P, slots: SlotTerms[]) => P } {
  const slots = parts.filter((part): part is Slot => typeof part !== 'string');
  // Each slot holds one row of its own sentinel IRI, so the parse tells where the slot's node is.
  const sentinels = slots.map((slot, i) => {
    const iri: Term = { termType: 'NamedNode', value: `${SENTINEL}${i}` };
    return slot.kind === 'values' ? [slot.variables.map(() => iri)] : [[iri, iri, iri]];
  });
  const base = prepare(render(parts, sentinels));
  const paths = slots.map((slot, i) => slotPath(base.parsed, slot, `${SENTINEL}${i}`));
  const bind = (template: P, terms: SlotTerms[]): P => {
    if (terms.length !== slots.length)
      throw new Error(`This template has ${slots.length} slot(s); ${terms.length} were given.`);
    // Rendering checks every term with the audited writer, before any term goes into the tree.
    const text = render(parts, terms);
    let parsed: unknown = template.parsed;
    slots.forEach((slot, i) => {
      parsed = replaceAt(parsed, paths[i] as TreePath, slotNode(slot, terms[i] as SlotTerms));
    });
    return { ...template, text, parsed };
  };
  return { base, bind };
}

function render(parts: readonly TemplatePart[], terms: SlotTerms[]): string {
  let out = '';
  let slot = 0;
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else out += slotText(part, terms[slot++] ?? []);
  }
  return out;
}

function slotText(slot: Slot, rows: SlotTerms): string {
  if (slot.kind === 'triples')
    return rows.map((row) => `${checked(row, 3).map(termToNTriples).join(' ')} .\n`).join('');
  const head = slot.variables.map((name) => `?${name}`).join(' ');
  const body = rows.map((row) => `(${checked(row, slot.variables.length).map(termToNTriples).join(' ')})`);
  return `VALUES (${head}) { ${body.join(' ')} }`;
}

function checked(row: readonly Term[], size: number): readonly Term[] {
  if (row.length !== size) throw new Error(`A slot row needs ${size} term(s); it has ${row.length}.`);
  return row;
}

/** The slot's node as the parser would have produced it for the bound text: RDF/JS terms, with `equals`. */
function slotNode(slot: Slot, rows: SlotTerms): unknown {
  if (slot.kind === 'triples')
    return rows.map(([subject, predicate, object]) => ({
      subject: toRdfJs(subject as Term),
      predicate: toRdfJs(predicate as Term),
      object: toRdfJs(object as Term),
    }));
  return rows.map((row) =>
    Object.fromEntries(slot.variables.map((name, i) => [`?${name}`, toRdfJs(row[i] as Term)])),
  );
}

/** The path, in the parse tree, to the array a slot's terms replace (`values` or `triples`). */
function slotPath(tree: unknown, slot: Slot, sentinel: string): TreePath {
  const key = slot.kind === 'values' ? 'values' : 'triples';
  const path = findPath(tree, (node) => {
    const first = (node[key] as unknown[] | undefined)?.[0] as TreeNode | undefined;
    if (!first) return false;
    const term = (slot.kind === 'values' ? first[`?${slot.variables[0]}`] : first.subject) as
      | sparqljs.Term
      | undefined;
    return term?.termType === 'NamedNode' && term.value === sentinel;
  });
  if (!path) throw new Error(`Template slot ${sentinel} is not where a ${key} block can be.`);
  return [...path, key];
}

function findPath(value: unknown, found: (node: TreeNode) => boolean): TreePath | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const node = value as TreeNode;
  if (!Array.isArray(value) && found(node)) return [];
  for (const [key, child] of Object.entries(node)) {
    const rest = findPath(child, found);
    if (rest) return [Array.isArray(value) ? Number(key) : key, ...rest];
  }
  return undefined;
}

/** A copy of `tree` with the value at `path` replaced; only the nodes on the path are copied. */
function replaceAt(tree: unknown, path: TreePath, value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [string | number, ...TreePath];
  const copy = (Array.isArray(tree) ? [...tree] : { ...(tree as TreeNode) }) as TreeNode;
  copy[key] = replaceAt(copy[key], rest, value);
  return copy;
}
