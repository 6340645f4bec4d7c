import { BadRequestError } from '../../errors.ts';

// Oxigraph's SPARQL parser and evaluator recurse once per nesting level and overflow WASM's stack beyond
// about a thousand levels ("memory access out of bounds"), which corrupts the engine's instance; sparqljs
// also recurses in its semantic actions. So nesting is measured on the text, before any parser sees it:
// one linear pass that skips strings, IRIs and comments (lexing, not deciding what the text means).

/** Deepest nesting of `{`, `(` and `[` accepted; real queries stay far below (the catalog's deepest: 6). */
export const MAX_NESTING = 100;

const OPEN = new Set(['{', '(', '[']);
const CLOSE = new Set(['}', ')', ']']);
/** Characters an IRIREF cannot contain (SPARQL 1.1 grammar, production 139), besides controls and space. */
const NOT_IN_IRI = new Set(['<', '>', '"', '{', '}', '|', '^', '`', '\\']);

/** The deepest bracket nesting of a SPARQL text, outside strings, IRIs and comments. */
export function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (OPEN.has(c)) {
      depth += 1;
      if (depth > deepest) deepest = depth;
    } else if (CLOSE.has(c)) depth = Math.max(0, depth - 1);
    else if (c === '#') i = endOfLine(text, i);
    else if (c === '"' || c === "'") i = endOfString(text, i, c);
    else if (c === '<') i = endOfIri(text, i);
  }
  return deepest;
}

/** Throws a 400 when a text nests deeper than `max`; returns the depth otherwise. */
export function checkNesting(text: string, max = MAX_NESTING): number {
  const depth = nestingDepth(text);
  if (depth > max)
    throw new BadRequestError(
      `The SPARQL text nests ${depth} levels of brackets deep; at most ${max} are accepted. Flatten the groups, OPTIONALs, sub-queries or collections.`,
    );
  return depth;
}

function endOfLine(text: string, i: number): number {
  const end = text.indexOf('\n', i);
  return end < 0 ? text.length : end;
}

/** Index of the closing quote of the string starting at `i` (short or long form). */
function endOfString(text: string, i: number, quote: string): number {
  const long = text.startsWith(quote.repeat(3), i);
  const close = long ? quote.repeat(3) : quote;
  for (let j = i + close.length; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') j++;
    else if (!long && c === '\n') return j;
    else if (text.startsWith(close, j)) return j + close.length - 1;
  }
  return text.length;
}

/** An IRIREF runs to the next `>`; a `<` that cannot start one is the less-than operator. */
function endOfIri(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text[j] as string;
    if (c === '>') return j;
    if (NOT_IN_IRI.has(c) || c.charCodeAt(0) <= 0x20) return i;
  }
  return i;
}

/**
 * Deepest nesting accepted in a parsed operation: the guard of every walk over the tree (a 5,000-term
 * `a && b && …` overflowed provml's own recursive walk with a 500). Operator chains nest without brackets
 * (one level per operator); the engine's own limit on them is the lower operation-depth limit
 * (operation-depth.ts, checked next), so this one only has to stay far below what a walk can hold.
 */
export const MAX_TREE_DEPTH = 1_000;

/** Throws a 400 when a parsed operation nests deeper than `max` objects (measured without recursion). */
export function checkTreeDepth(tree: unknown, max = MAX_TREE_DEPTH): void {
  const pending: Array<[unknown, number]> = [[tree, 0]];
  while (pending.length > 0) {
    const [value, depth] = pending.pop() as [unknown, number];
    if (typeof value !== 'object' || value === null) continue;
    const level = Array.isArray(value) ? depth : depth + 1;
    if (level > max)
      throw new BadRequestError(
        `The SPARQL operation nests more than ${max} levels deep once parsed (a chain of &&, ||, + or other operators nests one level per operator); at most ${max} are accepted. Use IN (…) or VALUES instead of long chains, or split it.`,
      );
    for (const child of Object.values(value)) if (typeof child === 'object') pending.push([child, level]);
  }
}
