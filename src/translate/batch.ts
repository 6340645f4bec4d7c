import {
  type CaptureEvent,
  type DatasetKind,
  type EventError,
  fromFlowcept,
  fromOpenLineage,
  validateBatch,
} from '../capture/index.ts';
import type { QuadData } from '../store/index.ts';
import { translate } from './translate.ts';

export type BatchFormat = 'provml' | 'flowcept' | 'openlineage';

export type PreparedBatch =
  | { ok: true; events: CaptureEvent[]; quads: QuadData[] }
  | { ok: false; errors: EventError[] };

/**
 * Validates a whole batch (a parsed JSON array, or the items of parsed NDJSON) and translates it. All or
 * nothing: when any event is invalid no quads are produced and every finding is returned.
 */
export function prepareBatch(
  input: unknown,
  options: { format?: BatchFormat; datasetKind?: DatasetKind } = {},
): PreparedBatch {
  const checked =
    options.format === 'flowcept'
      ? fromFlowcept(input)
      : options.format === 'openlineage'
        ? fromOpenLineage(input, options.datasetKind ? { datasetKind: options.datasetKind } : {})
        : validateBatch(input);
  if (!checked.ok) return checked;
  return { ok: true, events: checked.events, quads: translate(checked.events) };
}
