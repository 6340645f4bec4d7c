import type * as RDF from '@rdfjs/types';
import sparqljs from 'sparqljs';
import { rdfjsFactory, type Term, toRdfJs } from '../../rdf/index.ts';

// A parsed tree crosses threads by structured clone, which keeps own fields and drops prototypes: an RDF/JS
// term arrives as a plain object without `equals`, and sparqljs's `*` (a Wildcard whose fields are all on
// its prototype) as `{}`. The parse thread marks each `*` before sending; the main thread rebuilds every
// term with the kernel's factory (the one the parser was given), in one walk without recursion.

const WILDCARD_MARK = 'Wildcard';

/** In the parse thread, before the tree is sent: each `*` becomes a plain `{ termType: 'Wildcard' }`. */
export function markWildcards(tree: object): void {
  walk(tree, (value) => (value instanceof sparqljs.Wildcard ? { termType: WILDCARD_MARK } : undefined));
}

/** In the main thread: the tree as the parser built it, its terms RDF/JS terms again. */
export function rehydrateTerms(tree: object): void {
  walk(tree, (value) => ('termType' in value ? asTerm(value as PlainTerm) : undefined));
}

interface PlainTerm {
  termType: string;
  value: string;
  language?: string;
  direction?: string;
  datatype?: PlainTerm;
  subject?: PlainTerm;
  predicate?: PlainTerm;
  object?: PlainTerm;
  graph?: PlainTerm;
}

/** Term types the kernel's converter rebuilds as they are; the others are SPARQL's own or carry a direction. */
const KERNEL_TERMS = new Set(['NamedNode', 'BlankNode', 'DefaultGraph', 'Literal']);

function asTerm(plain: PlainTerm): object {
  const rdfjs = rdfjsFactory();
  switch (plain.termType) {
    case 'Variable':
      return rdfjs.variable?.(plain.value) as RDF.Variable;
    case WILDCARD_MARK:
      return new sparqljs.Wildcard();
    case 'Quad': // a quoted triple pattern may hold variables: its parts go through here, not the kernel
      return rdfjs.quad(
        asTerm(plain.subject as PlainTerm) as RDF.Quad_Subject,
        asTerm(plain.predicate as PlainTerm) as RDF.Quad_Predicate,
        asTerm(plain.object as PlainTerm) as RDF.Quad_Object,
        asTerm(plain.graph as PlainTerm) as RDF.Quad_Graph,
      );
  }
  if (!KERNEL_TERMS.has(plain.termType)) {
    throw new Error(`A parsed SPARQL tree holds an unknown term type ${plain.termType}.`);
  }
  if (plain.termType === 'Literal' && plain.language && plain.direction) {
    const direction = plain.direction as RDF.DirectionalLanguage['direction'];
    return rdfjs.literal(plain.value, { language: plain.language, direction });
  }
  return toRdfJs(plain as unknown as Term);
}

/**
 * Visits every object of the tree, parents first; where `replace` returns an object, that object takes the
 * place of the visited one and is not descended into. The tree is bounded in depth (checkTreeDepth).
 */
function walk(tree: object, replace: (value: object) => object | undefined): void {
  const pending: object[] = [tree];
  while (pending.length > 0) {
    const parent = pending.pop() as Record<string, unknown>;
    for (const key of Object.keys(parent)) {
      const child = parent[key];
      if (typeof child !== 'object' || child === null) continue;
      const replacement = replace(child);
      if (replacement) parent[key] = replacement;
      else pending.push(child);
    }
  }
}
