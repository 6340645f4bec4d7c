import { BadRequestError } from '../../errors.ts';

// The bracket limit (nesting.ts) does not bound how deep the engine's plan becomes: Oxigraph folds the
// elements of a group into a left-deep tree (join, OPTIONAL, MINUS, BIND, UNION, the triple patterns of a
// block, the steps of a path, a chain of `||` or `+`), and its planner and evaluator recurse once per level.
// Near 900 levels a flat text of one group overflows WebAssembly's stack: the engine faults and the durable
// store restarts its worker from snapshot + log, for one anonymous GET. So the parse is measured too.

/** The longest chain of operations along one path of a parsed operation; real queries stay far below. */
export const MAX_OPERATION_DEPTH = 500;

type Entry = [value: unknown, depth: number, template: boolean];

/**
 * How deep the engine's tree for a parsed sparqljs operation becomes: along every path, each list adds one
 * level per element it folds (patterns of a group, union branches, triples, path steps; plain terms such
 * as a FROM or IN list or projected variables add none), an expression's operands one level, a quoted
 * triple one level. VALUES rows and update templates (instantiated per solution, never evaluated) add none.
 * Walked with an explicit stack: the tree itself may be deeper than JavaScript's call stack allows.
 */
export function operationDepth(tree: unknown): number {
  const stack: Entry[] = [[tree, 0, false]];
  let deepest = 0;
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const [value, depth, template] = entry;
    if (depth > deepest) deepest = depth;
    if (Array.isArray(value)) {
      for (const item of value) stack.push([item, depth, template]);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    const node = value as Record<string, unknown>;
    const here = node.termType === 'Quad' ? depth + 1 : depth;
    for (const [key, child] of Object.entries(node)) {
      if (typeof child !== 'object' || child === null) continue;
      const inTemplate = template || isTemplate(node, key);
      const step = Array.isArray(child) ? listStep(key, child, inTemplate) : 0;
      stack.push([child, here + step, inTemplate]);
    }
  }
  return deepest;
}

/** Throws a 400 when a parsed operation is deeper than `max`; returns its depth otherwise. */
export function checkOperationDepth(tree: unknown, max = MAX_OPERATION_DEPTH): number {
  const depth = operationDepth(tree);
  if (depth > max)
    throw new BadRequestError(
      `The SPARQL operation chains ${depth} operations along one path (patterns of a group, UNION branches, OPTIONAL, MINUS, BIND, triple patterns, path steps, operands of || or +); at most ${max} are accepted. Use VALUES for long lists of alternatives, or split it.`,
    );
  return depth;
}

/** The levels a list adds: one per element the engine folds into its tree. */
function listStep(key: string, list: unknown[], template: boolean): number {
  if (template || key === 'values') return 0;
  if (key === 'args') return 1;
  if (key === 'items') return list.length;
  return list.filter((item) => !isPlainTerm(item)).length;
}

/** INSERT DATA / DELETE DATA quads and the templates of DELETE/INSERT … WHERE (not DELETE WHERE's pattern). */
const isTemplate = (node: Record<string, unknown>, key: string): boolean =>
  (key === 'insert' || key === 'delete') && 'updateType' in node && node.updateType !== 'deletewhere';

const isPlainTerm = (item: unknown): boolean =>
  typeof item === 'object' &&
  item !== null &&
  'termType' in item &&
  (item as { termType: unknown }).termType !== 'Quad';
