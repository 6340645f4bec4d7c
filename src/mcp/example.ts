import { validateBatch } from '../capture/index.ts';
import { termToNTriples } from '../rdf/index.ts';
import { translateEvent } from '../translate/index.ts';

/**
 * Captured events as a client sends them, one of each kind an agent most often asks about: a training run of
 * an experiment starting, its training stage with a hyperparameter and the dataset it read, a model saved,
 * and an evaluation of that model at an epoch.
 */
export const EXAMPLE_EVENTS = [
  {
    type: 'workflow.started',
    schema: 'provml/1',
    id: 'ev-example-1',
    time: '2024-05-10T10:00:00Z',
    workflowExecutionId: 'train-1',
    name: 'train-facies-unet',
    experiment: { id: 'unet-lr-sweep' },
    user: 'ana',
  },
  {
    type: 'task.started',
    schema: 'provml/1',
    id: 'ev-example-2',
    time: '2024-05-10T10:00:05Z',
    workflowExecutionId: 'train-1',
    taskId: 'fit',
    name: 'train',
    stage: 'training',
    used: {
      learning_rate: { value: 0.001, role: 'hyperparameter' },
      tiles: { ref: 'tiles-train', kind: 'dataset' },
    },
  },
  {
    type: 'model.saved',
    schema: 'provml/1',
    id: 'ev-example-3',
    time: '2024-05-10T10:40:00Z',
    workflowExecutionId: 'train-1',
    modelId: 'unet-a',
    taskId: 'fit',
  },
  {
    type: 'evaluation',
    schema: 'provml/1',
    id: 'ev-example-4',
    time: '2024-05-10T10:40:00Z',
    workflowExecutionId: 'train-1',
    measure: 'loss',
    value: 0.31,
    modelId: 'unet-a',
    datasetId: 'tiles-val',
    stage: 'validation',
    section: { kind: 'epoch', index: 3 },
  },
] as const;

/** Each example event with the triples the translator writes for it, in N-Triples (graph left out: the execution's own). */
export function examples(): Array<{ event: (typeof EXAMPLE_EVENTS)[number]; triples: string[] }> {
  const checked = validateBatch([...EXAMPLE_EVENTS]);
  if (!checked.ok)
    throw new Error(`the ontology example events are invalid: ${JSON.stringify(checked.errors)}`);
  return checked.events.map((event, index) => ({
    event: EXAMPLE_EVENTS[index] as (typeof EXAMPLE_EVENTS)[number],
    triples: translateEvent(event).map(
      (quad) =>
        `${termToNTriples(quad.subject)} ${termToNTriples(quad.predicate)} ${termToNTriples(quad.object)} .`,
    ),
  }));
}
