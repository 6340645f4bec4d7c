import schema from './events.schema.json' with { type: 'json' };
import type { CaptureEvent, EventType } from './events.ts';

// Which fields the schema defines for each event type, read from the published schema (one source of truth).
const DEFINITION: Record<EventType, keyof typeof schema.$defs> = {
  'workflow.started': 'WorkflowStarted',
  'workflow.ended': 'WorkflowEnded',
  'task.started': 'TaskStarted',
  'task.updated': 'TaskStarted',
  'task.ended': 'TaskEnded',
  'model.saved': 'ModelSaved',
  evaluation: 'Evaluation',
  'dataset.registered': 'DatasetRegistered',
  'plan.declared': 'PlanDeclared',
};
const COMMON = Object.keys(schema.properties);
const KNOWN = new Map<EventType, Set<string>>(
  Object.entries(DEFINITION).map(([type, def]) => {
    const own = Object.keys((schema.$defs[def] as { properties?: object }).properties ?? {});
    return [type as EventType, new Set([...COMMON, ...own])];
  }),
);

/** The event's free-form extras: unknown top-level fields plus the entries of `annotations`. */
export function extraFields(event: CaptureEvent): Record<string, unknown> {
  const known = KNOWN.get(event.type) ?? new Set<string>();
  const extras: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (!known.has(key) && value !== undefined) extras[key] = value;
  }
  for (const [key, value] of Object.entries(event.annotations ?? {})) {
    if (value !== undefined) extras[key] = value;
  }
  return extras;
}
