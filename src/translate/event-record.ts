import type { CaptureEvent, EventKey } from '../capture/index.ts';
import { ProvmlError } from '../errors.ts';
import { iriToNTriples, literal, type QuadData, type Term } from '../rdf/index.ts';
import {
  type ProvStore,
  prepareQueryTemplate,
  type QueryTemplate,
  selectRows,
  valuesSlot,
} from '../store/index.ts';
import { provml, rdf } from '../vocab.ts';
import { eventRecordIri, workflowExecutionGraph } from './iris.ts';

// The knowledge "what did event id X say before" lives in the store, as one quad per event in the event's own
// workflow-execution graph:  <…/wfexec/E/event/X> provml:eventContent "canonical JSON"^^rdf:JSON .
// Kept there (not in a side index) so that it is exactly as durable as the data and goes with it: dropping or
// replacing an execution's graph, exporting or importing it, takes its records along, and both store backends
// (embedded, remote SPARQL engine) hold it the same way. The full content (not only a digest) is kept, because
// an explicit replacement must know which quads the old version wrote, and a conflict can say what differs.

const CONTENT = provml('eventContent');
const JSON_TYPE = rdf('JSON');
/** Rows per lookup query: keeps one SPARQL text well below what remote engines parse comfortably. */
const LOOKUP_ROWS = 200;

export function eventRecordQuad(event: CaptureEvent, content: string): QuadData {
  return {
    subject: { termType: 'NamedNode', value: eventRecordIri(event.workflowExecutionId, event.id) },
    predicate: { termType: 'NamedNode', value: CONTENT },
    object: literal(content, '', JSON_TYPE),
    graph: { termType: 'NamedNode', value: workflowExecutionGraph(event.workflowExecutionId) },
  };
}

interface RecordQueries {
  lookup: QueryTemplate;
  count: QueryTemplate;
  countPerGraph: QueryTemplate;
  firstPage: { content: QueryTemplate; ids: QueryTemplate };
}
let recordQueries: RecordQueries | undefined;

/** Parsed once per process, on first use: every batch with an unknown execution or id runs them. */
function queries(): RecordQueries {
  const content = iriToNTriples(CONTENT);
  const records = (head: string, tail = ''): QueryTemplate =>
    prepareQueryTemplate([
      `${head} WHERE { `,
      valuesSlot('g'),
      ` GRAPH ?g { ?event ${content} ?content } }${tail}`,
    ]);
  const firstPage = ` ORDER BY ?event LIMIT ${PAGE_ROWS} OFFSET 0`;
  recordQueries ??= {
    lookup: prepareQueryTemplate([
      'SELECT ?event ?content WHERE { ',
      valuesSlot('g', 'event'),
      ` GRAPH ?g { ?event ${content} ?content } }`,
    ]),
    count: records('SELECT (COUNT(*) AS ?n)'),
    countPerGraph: records('SELECT ?g (COUNT(*) AS ?n)', ' GROUP BY ?g'),
    firstPage: {
      content: records('SELECT ?event ?content', firstPage),
      ids: records('SELECT ?event', firstPage),
    },
  };
  return recordQueries;
}

const iri = (value: string): Term => ({ termType: 'NamedNode', value });

/** The recorded content of each of these events that the store holds, keyed by record IRI. */
export async function readEventRecords(store: ProvStore, keys: EventKey[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < keys.length; i += LOOKUP_ROWS) {
    const rows = keys
      .slice(i, i + LOOKUP_ROWS)
      .map((key) => [
        iri(workflowExecutionGraph(key.workflowExecutionId)),
        iri(eventRecordIri(key.workflowExecutionId, key.id)),
      ]);
    const result = await selectRows(store, queries().lookup.bind(rows));
    for (const row of result.rows) {
      if (row.event?.termType === 'NamedNode' && row.content?.termType === 'Literal')
        found.set(row.event.value, row.content.value);
    }
  }
  return found;
}

/**
 * How many event records each of these workflow-execution graphs holds (0 for a graph the store does not have):
 * one query for many graphs, so the first batches of many new executions cost one read together.
 */
export async function countExecutionRecords(
  store: ProvStore,
  graphs: readonly string[],
): Promise<Map<string, number>> {
  const counts = new Map(graphs.map((graph) => [graph, 0]));
  const chunks: string[][] = [];
  for (let i = 0; i < graphs.length; i += LOOKUP_ROWS) chunks.push(graphs.slice(i, i + LOOKUP_ROWS));
  const results = await Promise.all(
    chunks.map((chunk) =>
      selectRows(store, queries().countPerGraph.bind(chunk.map((graph) => [iri(graph)]))),
    ),
  );
  for (const result of results)
    for (const row of result.rows)
      if (row.g?.termType === 'NamedNode' && counts.has(row.g.value))
        counts.set(row.g.value, Number(row.n?.value ?? 0));
  return counts;
}

/** Rows asked per page when reading all records of a graph (an engine's row cap may return fewer). */
const PAGE_ROWS = 10_000;

/**
 * Every event recorded in one workflow execution's graph, keyed by record IRI: with `content`, their canonical
 * JSON, else ''. Read page by page and checked against a count, so an engine that caps result rows cannot make
 * the answer silently partial.
 */
export async function readExecutionRecords(
  store: ProvStore,
  workflowExecutionId: string,
  options: { content: boolean } = { content: true },
): Promise<Map<string, string>> {
  const graph = iriToNTriples(workflowExecutionGraph(workflowExecutionId));
  const pattern = `GRAPH ${graph} { ?event ${iriToNTriples(CONTENT)} ?content }`;
  const g = [[iri(workflowExecutionGraph(workflowExecutionId))]];
  const counted = await selectRows(store, queries().count.bind(g));
  const total = Number(counted.rows[0]?.n?.value ?? 0);
  const found = new Map<string, string>();
  const columns = options.content ? '?event ?content' : '?event';
  for (let offset = 0; found.size < total; ) {
    const first = options.content ? queries().firstPage.content : queries().firstPage.ids;
    const page = await selectRows(
      store,
      offset === 0
        ? first.bind(g)
        : `SELECT ${columns} WHERE { ${pattern} } ORDER BY ?event LIMIT ${PAGE_ROWS} OFFSET ${offset}`,
    );
    for (const row of page.rows) {
      if (row.event?.termType === 'NamedNode') found.set(row.event.value, row.content?.value ?? '');
    }
    if (page.rows.length === 0) break;
    offset += page.rows.length;
  }
  if (found.size < total)
    throw new ProvmlError(
      'Unavailable',
      `Could not read the ${total} event records of workflow execution '${workflowExecutionId}' (got ${found.size}); nothing was written, try again.`,
    );
  return found;
}
