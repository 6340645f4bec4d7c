import { Readable } from 'node:stream';
import type * as RDF from '@rdfjs/types';
import { fromRdfJs, type QuadData, type Term, termToNTriples, toRdfJsQuad } from '../rdf/index.ts';
import type { ProvStore } from '../store/index.ts';
import { selectRows } from '../store/index.ts';

const POSITIONS = ['s', 'p', 'o', 'g'] as const;
type Position = (typeof POSITIONS)[number];
type Pattern = Partial<Record<Position, Term>>;

/**
 * The local store as an RDF/JS Source, so Comunica can join it with remote sources.
 * Each `match` becomes one SPARQL SELECT on the store (bound terms written by termToNTriples), so it works
 * for any ProvStore, in memory or durable, without materialising the store or an HTTP hop to ourselves.
 * Blank nodes cannot be named in SPARQL, so a bound blank node is matched as a variable and filtered here.
 */
export class ProvStoreSource implements RDF.Source {
  private readonly store: ProvStore;

  constructor(store: ProvStore) {
    this.store = store;
  }

  match(
    subject?: RDF.Term | null,
    predicate?: RDF.Term | null,
    object?: RDF.Term | null,
    graph?: RDF.Term | null,
  ): RDF.Stream<RDF.Quad> {
    const pattern = toPattern({ s: subject, p: predicate, o: object, g: graph });
    // Fetched when first read, so a failure reaches the stream's reader instead of a dangling promise.
    const fetch = () => this.fetch(pattern);
    return Readable.from(
      (async function* () {
        for (const quad of await fetch()) yield toRdfJsQuad(quad);
      })(),
    ) as unknown as RDF.Stream<RDF.Quad>;
  }

  async countQuads(
    subject?: RDF.Term | null,
    predicate?: RDF.Term | null,
    object?: RDF.Term | null,
    graph?: RDF.Term | null,
  ): Promise<number> {
    const pattern = toPattern({ s: subject, p: predicate, o: object, g: graph });
    try {
      if (Object.values(pattern).some((term) => term.termType === 'BlankNode'))
        return (await this.fetch(pattern)).length;
      const result = await selectRows(
        this.store,
        `SELECT (COUNT(*) AS ?count) WHERE { ${whereClause(pattern)} }`,
      );
      return Number(result.rows[0]?.count?.value ?? 0);
    } catch {
      // Only a cardinality estimate for Comunica's planner, which does not catch a failure here; the
      // pattern's own fetch reports the error to the query.
      return Number.POSITIVE_INFINITY;
    }
  }

  private async fetch(pattern: Pattern): Promise<QuadData[]> {
    const result = await selectRows(this.store, `SELECT * WHERE { ${whereClause(pattern)} }`);
    const quads: QuadData[] = [];
    for (const row of result.rows) {
      const pick = (position: Position): Term | undefined => row[position] ?? pattern[position];
      const bound = POSITIONS.every((position) => {
        const wanted = pattern[position];
        return wanted?.termType !== 'BlankNode' || row[position]?.value === wanted.value;
      });
      if (!bound) continue;
      quads.push({
        subject: pick('s') as QuadData['subject'],
        predicate: pick('p') as QuadData['predicate'],
        object: pick('o') as QuadData['object'],
        graph: (pick('g') ?? { termType: 'DefaultGraph', value: '' }) as QuadData['graph'],
      });
    }
    return quads;
  }
}

function toPattern(terms: Record<Position, RDF.Term | null | undefined>): Pattern {
  const pattern: Pattern = {};
  for (const position of POSITIONS) {
    const term = terms[position];
    if (term && term.termType !== 'Variable') pattern[position] = fromRdfJs(term);
  }
  return pattern;
}

/** A bound term is written through termToNTriples; a free (or blank-node) position is a variable. */
function slot(pattern: Pattern, position: Position): string {
  const term = pattern[position];
  return term && term.termType !== 'BlankNode' ? termToNTriples(term) : `?${position}`;
}

function whereClause(pattern: Pattern): string {
  const triple = `${slot(pattern, 's')} ${slot(pattern, 'p')} ${slot(pattern, 'o')} .`;
  const graph = pattern.g;
  if (graph?.termType === 'DefaultGraph') return triple;
  if (graph?.termType === 'NamedNode') return `GRAPH ${termToNTriples(graph)} { ${triple} }`;
  if (graph?.termType === 'BlankNode') return `GRAPH ?g { ${triple} }`;
  return `{ ${triple} } UNION { GRAPH ?g { ${triple} } }`;
}
