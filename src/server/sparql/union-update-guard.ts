import type sparqljs from 'sparqljs';
import { BadRequestError } from '../../errors.ts';
import type { PreparedUpdate } from '../../store/index.ts';

// In union mode an update whose WHERE reads the default dataset is applied by provml, one operation after
// another (Oxigraph's own update, which is all or nothing, has no union option). So a later operation that
// fails at run time, a DROP, CLEAR, CREATE, ADD, MOVE, COPY or LOAD without SILENT, would leave the earlier
// ones applied behind a 400. Such a request is refused before anything runs; strict mode needs no guard.

/** Throws a 400 when a union-mode update could fail part way, after some of its operations were applied. */
export function refusePartialUnionUpdate(prepared: PreparedUpdate, unionDefaultGraph: boolean): void {
  if (!unionDefaultGraph || !prepared.readsDefaultDataset) return;
  const fallible = prepared.parsed.updates.slice(1).find(mayFail);
  if (!fallible) return;
  const name = (fallible as sparqljs.ManagementOperation).type.toUpperCase();
  throw new BadRequestError(
    `This update combines an operation whose WHERE reads the union default graph with a later ${name} without SILENT, which could fail after the earlier operations were applied; nothing was executed. Add SILENT to the ${name}, or send it as a request of its own.`,
  );
}

/** Graph management without SILENT fails on a graph that does (CREATE) or does not (the others) exist. */
const mayFail = (operation: sparqljs.UpdateOperation): boolean => 'type' in operation && !operation.silent;
