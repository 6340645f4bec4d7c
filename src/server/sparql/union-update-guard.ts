import type sparqljs from 'sparqljs';
import { BadRequestError } from '../../errors.ts';
import { holdsQuotedTriple, type PreparedUpdate } from '../../store/index.ts';

// In union mode an update whose WHERE reads the default dataset is applied by provml, one operation after
// another (Oxigraph's own update, which is all or nothing, has no union option). So a later operation that
// fails at run time, a DROP, CLEAR, CREATE, ADD, MOVE, COPY or LOAD without SILENT, would leave the earlier
// ones applied behind a 400. Such a request is refused before anything runs; strict mode needs no guard.

/**
 * Throws a 400 when a union-mode update could fail part way, after some of its operations were applied, or
 * has a template provml's evaluation cannot fill in: a quoted triple (`<< … >>`), which Oxigraph reads as an
 * RDF 1.2 reifier and provml's evaluation would otherwise drop without a word.
 */
export function refusePartialUnionUpdate(prepared: PreparedUpdate, unionDefaultGraph: boolean): void {
  if (!unionDefaultGraph || !prepared.readsDefaultDataset) return;
  if (
    prepared.parsed.updates.some(
      (operation) => readsUnion(operation) && holdsQuotedTriple(templates(operation)),
    )
  )
    throw new BadRequestError(
      'In union mode provml evaluates an update whose WHERE reads the default graph itself, and cannot write a template holding a quoted triple (<< … >>); nothing was executed. Name the graphs with WITH or USING, or write the quoted triples with INSERT DATA.',
    );
  const fallible = prepared.parsed.updates.slice(1).find(mayFail);
  if (!fallible) return;
  const name = (fallible as sparqljs.ManagementOperation).type.toUpperCase();
  throw new BadRequestError(
    `This update combines an operation whose WHERE reads the union default graph with a later ${name} without SILENT, which could fail after the earlier operations were applied; nothing was executed. Add SILENT to the ${name}, or send it as a request of its own.`,
  );
}

/** Graph management without SILENT fails on a graph that does (CREATE) or does not (the others) exist. */
const mayFail = (operation: sparqljs.UpdateOperation): boolean => 'type' in operation && !operation.silent;

/** DELETE WHERE, or DELETE/INSERT … WHERE without WITH or USING: evaluated over the union by provml. */
const readsUnion = (operation: sparqljs.UpdateOperation): boolean =>
  'updateType' in operation &&
  (operation.updateType === 'deletewhere' ||
    (operation.updateType === 'insertdelete' && !operation.graph && !operation.using));

const templates = (operation: sparqljs.UpdateOperation): unknown[] => [
  'insert' in operation ? operation.insert : [],
  'delete' in operation ? operation.delete : [],
];
