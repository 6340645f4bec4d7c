import type { CaptureEvent } from '../capture/index.ts';
import type { QuadData } from '../rdf/index.ts';
import { writeDatasetRegistered, writeEvaluation, writeModelSaved } from './entities.ts';
import { workflowExecutionGraph } from './iris.ts';
import { writePlanDeclared } from './plan.ts';
import { writeTask } from './task.ts';
import { writeWorkflowEnded, writeWorkflowStarted } from './workflow.ts';
import { GraphWriter } from './writer.ts';

type EventWriters = {
  [T in CaptureEvent['type']]: (w: GraphWriter, event: Extract<CaptureEvent, { type: T }>) => void;
};

const WRITERS: EventWriters = {
  'workflow.started': writeWorkflowStarted,
  'workflow.ended': writeWorkflowEnded,
  'task.started': writeTask,
  'task.updated': writeTask,
  'task.ended': writeTask,
  'model.saved': writeModelSaved,
  evaluation: writeEvaluation,
  'dataset.registered': writeDatasetRegistered,
  'plan.declared': writePlanDeclared,
};

/**
 * The quads of one event, in its workflow execution's named graph. A pure function of the event alone:
 * re-sending an event, or receiving a workflow's events in any order or from many processes, yields the same set.
 */
export function translateEvent(event: CaptureEvent): QuadData[] {
  const w = new GraphWriter(workflowExecutionGraph(event.workflowExecutionId));
  // One writer per event type; the table's type makes a new event type without a writer a compile error.
  (WRITERS[event.type] as (w: GraphWriter, event: CaptureEvent) => void)(w, event);
  return w.quads;
}

/** The quads of a batch of (already validated) events, without duplicates, in first-seen order. */
export function translate(events: readonly CaptureEvent[]): QuadData[] {
  const seen = new QuadSet();
  const out: QuadData[] = [];
  for (const event of events) {
    for (const quad of translateEvent(event)) if (seen.add(quad)) out.push(quad);
  }
  return out;
}

/** Set of quads keyed by nested maps: cheaper than one concatenated string key per quad on large batches. */
class QuadSet {
  readonly #index = new Map<string, Map<string, Map<string, Set<string>>>>();

  /** True when the quad was not there yet. */
  add(quad: QuadData): boolean {
    // Written out (no getOrCreate closures): this runs for every quad of every batch.
    let bySubject = this.#index.get(quad.graph.value);
    if (bySubject === undefined) {
      bySubject = new Map();
      this.#index.set(quad.graph.value, bySubject);
    }
    let byPredicate = bySubject.get(quad.subject.value);
    if (byPredicate === undefined) {
      byPredicate = new Map();
      bySubject.set(quad.subject.value, byPredicate);
    }
    let objects = byPredicate.get(quad.predicate.value);
    if (objects === undefined) {
      objects = new Set();
      byPredicate.set(quad.predicate.value, objects);
    }
    const o = quad.object;
    // Only a literal's lexical value may contain NUL, and it comes last: the key is unambiguous.
    const key =
      o.termType === 'Literal' ? `L${o.datatype.value}\u0000${o.language}\u0000${o.value}` : `N${o.value}`;
    if (objects.has(key)) return false;
    objects.add(key);
    return true;
  }
}
