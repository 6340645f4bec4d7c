import type { CaptureEvent, EventKey } from '../capture/index.ts';
import { iriToNTriples, literal, type ProvStore, type QuadData, termToNTriples } from '../store/index.ts';
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

/** The recorded content of each of these events that the store holds, keyed by record IRI. */
export async function readEventRecords(store: ProvStore, keys: EventKey[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (let i = 0; i < keys.length; i += LOOKUP_ROWS) {
    const rows = keys.slice(i, i + LOOKUP_ROWS).map((key) => {
      const graph = iriToNTriples(workflowExecutionGraph(key.workflowExecutionId));
      return `(${graph} ${iriToNTriples(eventRecordIri(key.workflowExecutionId, key.id))})`;
    });
    const result = await store.select(
      `SELECT ?event ?content WHERE { VALUES (?g ?event) { ${rows.join(' ')} } GRAPH ?g { ?event ${iriToNTriples(CONTENT)} ?content } }`,
    );
    for (const row of result.rows) {
      if (row.event?.termType === 'NamedNode' && row.content?.termType === 'Literal')
        found.set(row.event.value, row.content.value);
    }
  }
  return found;
}

/** Every event recorded in one workflow execution's graph, as canonical JSON, keyed by record IRI. */
export async function readExecutionRecords(
  store: ProvStore,
  workflowExecutionId: string,
): Promise<Map<string, string>> {
  const graph: QuadData['graph'] = {
    termType: 'NamedNode',
    value: workflowExecutionGraph(workflowExecutionId),
  };
  const result = await store.select(
    `SELECT ?event ?content WHERE { GRAPH ${termToNTriples(graph)} { ?event ${iriToNTriples(CONTENT)} ?content } }`,
  );
  const found = new Map<string, string>();
  for (const row of result.rows) {
    if (row.event?.termType === 'NamedNode' && row.content?.termType === 'Literal')
      found.set(row.event.value, row.content.value);
  }
  return found;
}
