import sparqljs from 'sparqljs';
import { asPatterns, readsDefaultDataset } from '../../prepare/analyse.ts';

// Virtuoso has no writable default graph: provml keeps its default graph in a named stand-in graph there.
// Naming the stand-in as the request's default graph (default-graph-uri, DEFINE, WITH) makes Virtuoso hide
// every other graph from GRAPH patterns, so updates are rewritten instead: every triple pattern and template
// outside a GRAPH block is put in GRAPH <stand-in>, and management operations on DEFAULT address it.
// Operations that name their dataset themselves (WITH, USING) are left as the client wrote them.

type Pattern = sparqljs.Pattern;
type Quads = sparqljs.Quads;

export interface RewriteOptions {
  namedGraphs: () => Promise<string[]>;
  /**
   * Union mode: an operation whose WHERE names no dataset matches the engine's union of graphs (as a
   * query does), and a default-graph triple it deletes is deleted from every graph holding it, except
   * the engine's own (these prefixes).
   */
  union?: { systemGraphPrefixes: readonly string[] };
}

/** A parsed update (prepareUpdate) rewritten for the engine. */
export async function rewriteUpdate(
  parsed: sparqljs.Update,
  standIn: string,
  options: RewriteOptions,
): Promise<string> {
  return rewriteParsed(parsed, standIn, options);
}

/** A parsed query with its default-graph patterns moved into GRAPH <standIn>. */
export function rewriteQueryDefaultGraph(parsed: sparqljs.Query, standIn: string): string {
  const graph = { termType: 'NamedNode', value: standIn } as sparqljs.IriTerm;
  const where = parsed.where?.map((pattern) => wherePattern(pattern, graph));
  // The parse holds absolute IRIs already; Virtuoso refuses BASE after its DEFINE pragmas.
  return new sparqljs.Generator().stringify({ ...parsed, base: undefined, where });
}

/** Whether a pattern names a graph in GRAPH <iri>, at any depth. */
export function namesAGraph(pattern: Pattern): boolean {
  switch (pattern.type) {
    case 'graph':
      return pattern.name.termType === 'NamedNode' || pattern.patterns.some(namesAGraph);
    case 'group':
    case 'optional':
    case 'minus':
    case 'union':
    case 'service':
      return pattern.patterns.some(namesAGraph);
    case 'filter':
    case 'bind':
      return expressionPatterns(pattern.expression).some(namesAGraph);
    case 'query':
      return (pattern.where ?? []).some(namesAGraph);
    default:
      return false;
  }
}

/** Every triple pattern of a pattern, at any depth, except inside GRAPH <iri> and SERVICE. */
export function* triplesOutsideNamedGraphs(pattern: Pattern): Generator<sparqljs.Triple> {
  switch (pattern.type) {
    case 'bgp':
      yield* pattern.triples;
      return;
    case 'graph':
      if (pattern.name.termType === 'NamedNode') return;
      for (const inner of pattern.patterns) yield* triplesOutsideNamedGraphs(inner);
      return;
    case 'group':
    case 'optional':
    case 'minus':
    case 'union':
      for (const inner of pattern.patterns) yield* triplesOutsideNamedGraphs(inner);
      return;
    case 'filter':
    case 'bind':
      for (const inner of expressionPatterns(pattern.expression)) yield* triplesOutsideNamedGraphs(inner);
      return;
    case 'query':
      for (const inner of pattern.where ?? []) yield* triplesOutsideNamedGraphs(inner);
      return;
    default:
      return;
  }
}

export function expressionPatterns(expression: sparqljs.Expression): Pattern[] {
  if (typeof expression !== 'object' || expression === null || Array.isArray(expression)) return [];
  if (!('type' in expression) || expression.type !== 'operation') return [];
  return expression.args.flatMap((arg) =>
    typeof arg === 'object' && arg !== null && 'type' in arg && isPattern(arg)
      ? [arg]
      : expressionPatterns(arg as sparqljs.Expression),
  );
}

async function rewriteParsed(
  parsed: sparqljs.Update,
  standIn: string,
  options: RewriteOptions,
): Promise<string> {
  const graph = { termType: 'NamedNode', value: standIn } as sparqljs.IriTerm;
  const updates: sparqljs.UpdateOperation[] = [];
  for (const operation of parsed.updates) {
    if ('updateType' in operation && options.union && readsDefaultDataset(operation))
      updates.push(overUnion(operation, graph, options.union.systemGraphPrefixes));
    else if ('updateType' in operation) updates.push(rewriteQuadOperation(operation, graph));
    else if (isClearDrop(operation))
      updates.push(...(await expandClearDrop(operation, graph, options.namedGraphs)));
    else updates.push(rewriteManagement(operation, graph));
  }
  return new sparqljs.Generator().stringify({ ...parsed, base: undefined, updates });
}

function rewriteQuadOperation(
  operation: sparqljs.InsertDeleteOperation,
  graph: sparqljs.IriTerm,
): sparqljs.InsertDeleteOperation {
  switch (operation.updateType) {
    case 'insert':
      return { ...operation, insert: inGraph(operation.insert, graph) };
    case 'delete':
      return { ...operation, delete: inGraph(operation.delete, graph) };
    case 'deletewhere':
      return { ...operation, delete: inGraph(operation.delete, graph) };
    case 'insertdelete':
      if (operation.graph || operation.using) return operation;
      return {
        ...operation,
        insert: inGraph(operation.insert, graph),
        delete: inGraph(operation.delete, graph),
        where: operation.where?.map((pattern) => wherePattern(pattern, graph)),
      };
  }
}

/**
 * An operation over the union: the WHERE as written (the engine's default graph is the union), INSERT
 * into the stand-in, and each deleted default-graph triple deleted in whichever graphs hold it: the
 * template `t` becomes `GRAPH ?gN { t }` with `OPTIONAL { GRAPH ?gN { t } FILTER(not a system graph) }`
 * added to the WHERE (a triple held nowhere leaves ?gN unbound, and nothing is deleted for it).
 */
function overUnion(
  operation: sparqljs.InsertDeleteOperation,
  graph: sparqljs.IriTerm,
  systemPrefixes: readonly string[],
): sparqljs.InsertDeleteOperation {
  const deletes = 'delete' in operation ? operation.delete : [];
  const inserts = 'insert' in operation ? operation.insert : [];
  const where = operation.updateType === 'insertdelete' ? operation.where : asPatterns(deletes);
  const located: Quads[] = [];
  const optionals: Pattern[] = [];
  let n = 0;
  for (const quad of deletes) {
    if (quad.type === 'graph') {
      located.push(quad);
      continue;
    }
    for (const triple of quad.triples) {
      const g = { termType: 'Variable', value: `provml_union_g${n++}` } as sparqljs.VariableTerm;
      located.push({ type: 'graph', name: g, triples: [triple] });
      optionals.push({
        type: 'optional',
        patterns: [
          { type: 'graph', name: g, patterns: [{ type: 'bgp', triples: [triple] }] } as sparqljs.GraphPattern,
          ...systemPrefixes.map((prefix) => notUnder(g, prefix)),
        ],
      });
    }
  }
  return {
    updateType: 'insertdelete',
    delete: located,
    insert: inGraph(inserts, graph),
    where: [...where, ...optionals],
  };
}

const notUnder = (g: sparqljs.VariableTerm, prefix: string): sparqljs.FilterPattern => ({
  type: 'filter',
  expression: {
    type: 'operation',
    operator: '!',
    args: [
      {
        type: 'operation',
        operator: 'strstarts',
        args: [
          { type: 'operation', operator: 'str', args: [g] },
          { termType: 'Literal', value: prefix } as sparqljs.LiteralTerm,
        ],
      },
    ],
  },
});

const inGraph = (quads: Quads[], graph: sparqljs.IriTerm): Quads[] =>
  quads.map((quad) => (quad.type === 'bgp' ? { type: 'graph', name: graph, triples: quad.triples } : quad));

/** A WHERE pattern with its default-graph parts moved into GRAPH <graph>; GRAPH blocks stay as they are. */
function wherePattern(pattern: Pattern, graph: sparqljs.IriTerm): Pattern {
  switch (pattern.type) {
    case 'bgp':
      return { type: 'graph', name: graph, patterns: [pattern] };
    case 'graph':
    case 'service':
    case 'values':
      return pattern;
    case 'group':
    case 'optional':
    case 'minus':
    case 'union':
      return { ...pattern, patterns: pattern.patterns.map((inner) => wherePattern(inner, graph)) };
    case 'filter':
      return { ...pattern, expression: whereExpression(pattern.expression, graph) };
    case 'bind':
      return { ...pattern, expression: whereExpression(pattern.expression, graph) };
    case 'query':
      return { ...pattern, where: pattern.where?.map((inner) => wherePattern(inner, graph)) };
    default:
      return pattern;
  }
}

/** EXISTS and NOT EXISTS carry graph patterns inside expressions. */
function whereExpression(expression: sparqljs.Expression, graph: sparqljs.IriTerm): sparqljs.Expression {
  if (typeof expression !== 'object' || expression === null || Array.isArray(expression)) return expression;
  if (!('type' in expression) || expression.type !== 'operation') return expression;
  return {
    ...expression,
    args: expression.args.map((arg) =>
      typeof arg === 'object' && arg !== null && 'type' in arg && isPattern(arg)
        ? wherePattern(arg, graph)
        : whereExpression(arg as sparqljs.Expression, graph),
    ),
  };
}

const PATTERN_TYPES = new Set([
  'bgp',
  'group',
  'graph',
  'optional',
  'minus',
  'union',
  'filter',
  'bind',
  'query',
]);
const isPattern = (value: { type: string }): value is Pattern => PATTERN_TYPES.has(value.type);

const isClearDrop = (operation: sparqljs.ManagementOperation): operation is sparqljs.ClearDropOperation =>
  operation.type === 'clear' || operation.type === 'drop';

function rewriteManagement(
  operation: Exclude<sparqljs.ManagementOperation, sparqljs.ClearDropOperation>,
  graph: sparqljs.IriTerm,
): sparqljs.ManagementOperation {
  const target = (ref: sparqljs.GraphOrDefault): sparqljs.GraphOrDefault =>
    ref.default ? { type: 'graph', name: graph } : ref;
  switch (operation.type) {
    case 'add':
    case 'copy':
    case 'move':
      return { ...operation, source: target(operation.source), destination: target(operation.destination) };
    case 'create':
      return operation;
    case 'load':
      return operation.destination ? operation : { ...operation, destination: graph };
  }
}

/** CLEAR/DROP DEFAULT, NAMED and ALL: on the engine ALL and NAMED would also remove its system graphs. */
async function expandClearDrop(
  operation: sparqljs.ClearDropOperation,
  graph: sparqljs.IriTerm,
  namedGraphs: () => Promise<string[]>,
): Promise<sparqljs.ClearDropOperation[]> {
  const one = (name: sparqljs.IriTerm): sparqljs.ClearDropOperation => ({
    type: operation.type,
    silent: true,
    graph: { type: 'graph', name },
  });
  if (operation.graph.default) return [{ ...operation, graph: { type: 'graph', name: graph } }];
  if (!operation.graph.all && !operation.graph.named) return [operation];
  const names = (await namedGraphs()).map((value) => ({ termType: 'NamedNode', value }) as sparqljs.IriTerm);
  return [...(operation.graph.all ? [one(graph)] : []), ...names.map(one)];
}
