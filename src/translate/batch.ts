import {
  type CaptureEvent,
  type DatasetKind,
  type EventError,
  fromFlowcept,
  fromOpenLineage,
  type ValidationResult,
  validateBatch,
} from '../capture/index.ts';
import type { QuadData } from '../rdf/index.ts';
import { translate } from './translate.ts';

export type BatchFormat = 'provml' | 'flowcept' | 'openlineage';

export type PreparedBatch =
  | { ok: true; events: CaptureEvent[]; quads: QuadData[] }
  | { ok: false; errors: EventError[] };

export interface BatchOptions {
  format?: BatchFormat;
  /** OpenLineage: the PROV-ML kind of the datasets it describes. */
  datasetKind?: DatasetKind;
}

/** Validates a whole batch (a parsed JSON array, or the items of parsed NDJSON; Flowcept, OpenLineage mapped). */
export function checkBatch(input: unknown, options: BatchOptions = {}): ValidationResult {
  if (options.format === 'flowcept') return fromFlowcept(input);
  if (options.format === 'openlineage')
    return fromOpenLineage(input, options.datasetKind ? { datasetKind: options.datasetKind } : {});
  return validateBatch(input);
}

/**
 * Validates a whole batch and translates it. All or nothing: when any event is invalid no quads are produced
 * and every finding is returned.
 */
export function prepareBatch(input: unknown, options: BatchOptions = {}): PreparedBatch {
  const checked = checkBatch(input, options);
  if (!checked.ok) return checked;
  return { ok: true, events: checked.events, quads: translate(checked.events) };
}
