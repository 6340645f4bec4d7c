import type { CaptureEvent, DatasetKind, EventError, ValidationResult } from '../events.ts';
import { validateOne } from '../validate.ts';
import { mapDatasetEvent, mapJobEvent, mapRunEvent } from './map.ts';
import type { OlDatasetEvent, OlJobEvent, OlRunEvent } from './types.ts';
import { definitionOf, validateOpenLineage } from './validate.ts';

export { datasetId, jobName } from './map.ts';

/**
 * OpenLineage events (one event, as the OpenLineage HTTP transport posts it, or an array) → provml events.
 * Each event is checked against the official OpenLineage schema first; a bad one is reported with its index
 * and field, and nothing of the batch is kept (all or nothing, as for provml events).
 */
export function fromOpenLineage(
  input: unknown,
  options: { datasetKind?: DatasetKind } = {},
): ValidationResult {
  const items = Array.isArray(input) ? input : [input];
  const settings = { datasetKind: options.datasetKind ?? 'domain' };
  const events: CaptureEvent[] = [];
  const errors: EventError[] = [];
  items.forEach((item, index) => {
    const findings = validateOpenLineage(item);
    if (findings.length > 0) {
      errors.push(...findings.map((finding) => ({ index, ...finding })));
      return;
    }
    const record = item as Record<string, unknown>;
    const definition = definitionOf(record);
    const mapped =
      definition === 'RunEvent'
        ? mapRunEvent(item as OlRunEvent, settings)
        : definition === 'JobEvent'
          ? mapJobEvent(item as OlJobEvent, settings)
          : mapDatasetEvent(item as OlDatasetEvent, settings);
    // The mapped events meet provml's own schema too (e.g. a dataset name may not be empty there).
    for (const event of mapped) {
      const problems = validateOne(event, index);
      if (problems.length > 0)
        errors.push(
          ...problems.map((problem) => ({ ...problem, path: `(as provml ${event.type})${problem.path}` })),
        );
      else events.push(event);
    }
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, events };
}
