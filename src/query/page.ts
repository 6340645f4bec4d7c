import sparqljs from 'sparqljs';
import { BadRequestError } from '../errors.ts';

export interface PageOptions {
  /** A result column of the query to sort by (checked against its SELECT clause). */
  sortBy?: string;
  descending?: boolean;
  /** Without offset and limit, every row (the caller pages: one evaluation gives both the page and the total). */
  offset?: number;
  limit?: number;
}

const factory = {
  variable: (value: string): sparqljs.VariableTerm =>
    ({ termType: 'Variable', value }) as sparqljs.VariableTerm,
};

function parseSelect(query: string): sparqljs.SelectQuery {
  const parsed = new sparqljs.Parser().parse(query);
  if (parsed.type !== 'query' || parsed.queryType !== 'SELECT')
    throw new BadRequestError('Only a SELECT query can be paged.');
  return parsed;
}

/** The names of the variables a SELECT query projects. */
function projected(query: sparqljs.SelectQuery): string[] {
  return query.variables.flatMap((item) => {
    if ('termType' in item) return item.termType === 'Variable' ? [item.value] : [];
    return [item.variable.value];
  });
}

/**
 * One page of a (bound) SELECT query: its ORDER BY replaced by the chosen column (then the query's own order,
 * as a tie-break), and LIMIT / OFFSET set, all on the parsed query, so nothing of the caller's reaches the text
 * but a checked column name and two integers.
 */
export function pageQuery(query: string, options: PageOptions): string {
  const parsed = parseSelect(query);
  const { offset, limit } = options;
  if (offset !== undefined && (!Number.isSafeInteger(offset) || offset < 0))
    throw new BadRequestError('offset must be a non-negative integer.');
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1))
    throw new BadRequestError('limit must be a positive integer.');
  const own = parsed.order ?? [];
  if (options.sortBy !== undefined) {
    if (!projected(parsed).includes(options.sortBy))
      throw new BadRequestError(
        `Cannot sort by ${JSON.stringify(options.sortBy)}: not a column of this query.`,
      );
    const chosen: sparqljs.Ordering = {
      expression: factory.variable(options.sortBy),
      ...(options.descending ? { descending: true } : {}),
    };
    // The chosen column once: an engine (Virtuoso 7.2) repeats rows across a page when a key is repeated.
    const rest = own.filter(
      (o) =>
        !(
          'termType' in o.expression &&
          o.expression.termType === 'Variable' &&
          o.expression.value === options.sortBy
        ),
    );
    parsed.order = [chosen, ...rest];
  }
  if (offset !== undefined) parsed.offset = offset;
  if (limit !== undefined) parsed.limit = limit;
  return new sparqljs.Generator().stringify(parsed);
}
