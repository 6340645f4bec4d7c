import { validateBatch } from '../capture/index.ts';
import { termToNTriples } from '../rdf/index.ts';
import { translateEvent } from '../translate/index.ts';

/** One captured event as a client sends it: an evaluation of a model at an epoch of a training run. */
export const EXAMPLE_EVENT = {
  type: 'evaluation',
  schema: 'provml/1',
  id: 'ev-example-1',
  time: '2024-05-10T10:40:00Z',
  workflowExecutionId: 'train-1',
  measure: 'loss',
  value: 0.31,
  modelId: 'unet-a',
  datasetId: 'tiles-val',
  stage: 'validation',
  section: { kind: 'epoch', index: 3 },
} as const;

/** The triples the translator writes for EXAMPLE_EVENT, in N-Triples (graph left out: the execution's own). */
export function exampleTriples(): string[] {
  const checked = validateBatch([EXAMPLE_EVENT]);
  if (!checked.ok)
    throw new Error(`the ontology example event is invalid: ${JSON.stringify(checked.errors)}`);
  return checked.events
    .flatMap(translateEvent)
    .map(
      (quad) =>
        `${termToNTriples(quad.subject)} ${termToNTriples(quad.predicate)} ${termToNTriples(quad.object)} .`,
    );
}
