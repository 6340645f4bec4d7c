import type sparqljs from 'sparqljs';
import { BadRequestError } from '../../../errors.ts';
import { holdsQuotedTriple } from '../../prepare/analyse.ts';

/** Virtuoso 7.2 has no RDF-star: a quoted triple anywhere in a query or update fails inside it (HTTP 500). */
export function refuseQuotedTriples(parsed: sparqljs.SparqlQuery): void {
  if (!holdsQuotedTriple(parsed.type === 'update' ? parsed.updates : parsed)) return;
  const what = parsed.type === 'update' ? 'nothing was executed' : 'the query was not run';
  throw new BadRequestError(
    `This store runs on Virtuoso, which cannot store or match quoted triples (<< … >>, RDF-star); ${what}. Write the statement about a triple with rdf:reifies or classic reification instead.`,
  );
}
