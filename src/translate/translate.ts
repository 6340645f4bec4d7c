import type { CaptureEvent } from '../capture/index.ts';
import { type QuadData, quadToNQuads } from '../store/index.ts';
import { writeDatasetRegistered, writeEvaluation, writeModelSaved } from './entities.ts';
import { workflowExecutionGraph } from './iris.ts';
import { writeTask } from './task.ts';
import { writeWorkflowEnded, writeWorkflowStarted } from './workflow.ts';
import { GraphWriter } from './writer.ts';

/**
 * The quads of one event, in its workflow execution's named graph. A pure function of the event alone:
 * re-sending an event, or receiving a workflow's events in any order or from many processes, yields the same set.
 */
export function translateEvent(event: CaptureEvent): QuadData[] {
  const w = new GraphWriter(workflowExecutionGraph(event.workflowExecutionId));
  switch (event.type) {
    case 'workflow.started':
      writeWorkflowStarted(w, event);
      break;
    case 'workflow.ended':
      writeWorkflowEnded(w, event);
      break;
    case 'task.started':
    case 'task.ended':
      writeTask(w, event);
      break;
    case 'model.saved':
      writeModelSaved(w, event);
      break;
    case 'evaluation':
      writeEvaluation(w, event);
      break;
    case 'dataset.registered':
      writeDatasetRegistered(w, event);
      break;
  }
  return w.quads;
}

/** The quads of a batch of (already validated) events, without duplicates, in first-seen order. */
export function translate(events: readonly CaptureEvent[]): QuadData[] {
  const seen = new Set<string>();
  const out: QuadData[] = [];
  for (const event of events) {
    for (const quad of translateEvent(event)) {
      const key = quadToNQuads(quad);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(quad);
    }
  }
  return out;
}
