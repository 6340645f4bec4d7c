import { type Request, type Response, Router } from 'express';
import { DATASET_KINDS, type DatasetKind, type EventError, withLines } from '../../capture/index.ts';
import { BadRequestError, ProvmlError } from '../../errors.ts';
import {
  type BatchFormat,
  checkBatch,
  type EventConflict,
  type EventLedger,
  ON_CONFLICT,
  type OnConflict,
} from '../../translate/index.ts';
import { requireWriteAccess } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { methodNotAllowed, UnsupportedMediaTypeError } from '../errors.ts';
import { mediaTypeOf } from '../negotiate.ts';
import { readEventsBody } from './events-body.ts';

const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/ndjson'];
const JSON_TYPES = ['application/json'];
const ACCEPTED_TYPES = [...NDJSON_TYPES, ...JSON_TYPES];

/**
 * POST /events: a batch of capture events (JSON array or NDJSON; `?format=flowcept` for Flowcept messages,
 * `?format=openlineage` for OpenLineage events, as POST /lineage takes them).
 * The whole batch is validated first (400 lists every bad event, nothing written), then checked against the
 * events already recorded (409 names every id recorded before with different content, nothing written; with
 * `?onConflict=replace` those events are replaced instead), then translated and written with one store insert;
 * 202 answers only once that write is durable. Events already recorded as sent are not written again.
 */
export function createEventsRouter(ctx: AppContext): Router {
  const router = Router();
  router.post('/events', requireWriteAccess(ctx.config), async (req, res, next) => {
    try {
      await ingest(ctx, req, res);
    } catch (error) {
      next(error);
    }
  });
  router.all('/events', methodNotAllowed(['POST']));
  return router;
}

/** Validates, checks against the recorded events, translates and writes one request's batch (all or nothing). */
export async function ingest(
  ctx: AppContext,
  req: Request,
  res: Response,
  format: BatchFormat = formatOf(req),
): Promise<void> {
  const ledger: EventLedger = ctx.events;
  const datasetKind = datasetKindOf(req);
  const onConflict = onConflictOf(req);
  const type = mediaTypeOf(req.get('content-type'));
  if (!type || !ACCEPTED_TYPES.includes(type))
    throw new UnsupportedMediaTypeError(req.get('content-type'), ACCEPTED_TYPES);
  const body = await readEventsBody(req, ctx.config.maxBodyBytes, NDJSON_TYPES.includes(type));
  if (!body.ok) {
    throw refusal(body.errors, 'the body is not valid JSON');
  }
  const checked = checkBatch(body.items, { format, ...(datasetKind ? { datasetKind } : {}) });
  if (!checked.ok) {
    const errors = body.lines ? withLines(checked.errors, body.lines) : checked.errors;
    throw refusal(errors, `${countEvents(errors)} of ${itemCount(body.items)} event(s) are invalid`);
  }
  const outcome = await ledger.record(checked.events, onConflict);
  if (!outcome.ok) {
    throw conflictRefusal(outcome.conflicts, format === 'provml' ? body.lines : undefined, checked.sources);
  }
  res.status(202).json({
    events: checked.events.length,
    ...(format !== 'provml' ? { messages: itemCount(body.items) } : {}),
    triples: outcome.triples,
    recorded: outcome.recorded,
    unchanged: outcome.unchanged,
    ...(onConflict === 'replace' ? { replaced: outcome.replaced, removed: outcome.removed } : {}),
    ...(outcome.receipt ? { seq: outcome.receipt.seq } : {}),
  });
}

function onConflictOf(req: Request): OnConflict {
  const value = req.query.onConflict;
  if (value === undefined) return 'refuse';
  if (typeof value === 'string' && (ON_CONFLICT as readonly string[]).includes(value))
    return value as OnConflict;
  throw new BadRequestError(
    `Unknown onConflict '${String(value)}': use onConflict=refuse (the default: 409 for an event id recorded before with different content) or onConflict=replace.`,
  );
}

/**
 * 409 naming every conflicting event id; the batch is refused as a whole. Findings have the shape of 400's
 * (index, path, message; line for NDJSON) plus the id and workflow execution, so clients report both alike; an
 * event of a metric series has the series' index.
 * For Flowcept batches the index is that of the mapped provml event, not of the message.
 */
function conflictRefusal(
  conflicts: EventConflict[],
  lines: number[] | undefined,
  sources: number[] | undefined,
): ProvmlError {
  const errors = conflicts.map((conflict) => {
    const index = sources?.[conflict.index] ?? conflict.index;
    const line = lines?.[index];
    return { ...conflict, index, ...(line === undefined ? {} : { line }) };
  });
  const ids = conflicts.map((c) => `'${c.id}'`);
  const shown = ids.length > 5 ? `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more` : ids.join(', ');
  return new ProvmlError(
    'Conflict',
    `${conflicts.length} event id(s) conflict with what was recorded before: ${shown}; nothing was written. First: ${conflicts[0]?.message ?? ''}. Send a new event under a new id; the same content again is harmless; onConflict=replace replaces recorded events.`,
    { details: { errors } },
  );
}

function formatOf(req: Request): BatchFormat {
  const format = req.query.format;
  if (format === undefined || format === 'provml') return 'provml';
  if (format === 'flowcept' || format === 'openlineage') return format;
  throw new BadRequestError(
    `Parameter "format": unknown format '${String(format)}'; use provml (the default), flowcept or openlineage.`,
  );
}

/** `?datasetKind=`: the PROV-ML kind of the datasets OpenLineage events describe (default domain). */
function datasetKindOf(req: Request): DatasetKind | undefined {
  const kind = req.query.datasetKind;
  if (kind === undefined) return undefined;
  if (typeof kind === 'string' && (DATASET_KINDS as readonly string[]).includes(kind))
    return kind as DatasetKind;
  throw new BadRequestError(`Parameter "datasetKind": use one of ${DATASET_KINDS.join(', ')}.`);
}

/** A JSON body is an array of items, or (OpenLineage) one event. */
function itemCount(items: unknown): number {
  return Array.isArray(items) ? items.length : 1;
}

/** 400 with every finding; the batch is refused as a whole. */
function refusal(errors: Array<EventError & { line?: number }>, summary: string): ProvmlError {
  const first = errors[0];
  const where = first
    ? ` First: ${first.index >= 0 ? `event ${first.index}` : 'the batch'}${first.line ? ` (line ${first.line})` : ''}${first.path ? ` at ${first.path}` : ''} ${first.message}.`
    : '';
  return new BadRequestError(`${summary}; nothing was written.${where}`, { details: { errors } });
}

function countEvents(errors: EventError[]): number {
  return new Set(errors.map((error) => error.index)).size;
}
