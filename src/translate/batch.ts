import {
  type CaptureEvent,
  type EventError,
  fromFlowcept,
  type ValidationResult,
  validateBatch,
} from '../capture/index.ts';
import type { QuadData } from '../store/index.ts';
import { translate } from './translate.ts';

export type BatchFormat = 'provml' | 'flowcept';

export type PreparedBatch =
  | { ok: true; events: CaptureEvent[]; quads: QuadData[] }
  | { ok: false; errors: EventError[] };

/** Validates a whole batch (a parsed JSON array, or the items of parsed NDJSON; Flowcept messages mapped). */
export function checkBatch(input: unknown, options: { format?: BatchFormat } = {}): ValidationResult {
  return options.format === 'flowcept' ? fromFlowcept(input) : validateBatch(input);
}

/**
 * Validates a whole batch and translates it. All or nothing: when any event is invalid no quads are produced
 * and every finding is returned.
 */
export function prepareBatch(input: unknown, options: { format?: BatchFormat } = {}): PreparedBatch {
  const checked = checkBatch(input, options);
  if (!checked.ok) return checked;
  return { ok: true, events: checked.events, quads: translate(checked.events) };
}
