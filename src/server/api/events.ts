import { type Request, type Response, Router } from 'express';
import { type EventError, withLines } from '../../capture/index.ts';
import { BadRequestError } from '../../errors.ts';
import { refreshOnlineState } from '../../store/index.ts';
import { type BatchFormat, prepareBatch } from '../../translate/index.ts';
import { requireWriteAccess } from '../auth.ts';
import type { AppContext } from '../context.ts';
import { methodNotAllowed, UnsupportedMediaTypeError } from '../errors.ts';
import { mediaTypeOf } from '../negotiate.ts';
import { readEventsBody } from './events-body.ts';

const NDJSON_TYPES = ['application/x-ndjson', 'application/jsonl', 'application/ndjson'];
const JSON_TYPES = ['application/json'];
const ACCEPTED_TYPES = [...NDJSON_TYPES, ...JSON_TYPES];

/**
 * POST /events: a batch of capture events (JSON array or NDJSON; `?format=flowcept` for Flowcept messages).
 * The whole batch is validated first (400 lists every bad event, nothing written), then translated and written
 * with one store insert; 202 answers only once that write is durable.
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

async function ingest(ctx: AppContext, req: Request, res: Response): Promise<void> {
  const format = formatOf(req);
  const type = mediaTypeOf(req.get('content-type'));
  if (!type || !ACCEPTED_TYPES.includes(type))
    throw new UnsupportedMediaTypeError(req.get('content-type'), ACCEPTED_TYPES);
  const body = await readEventsBody(req, ctx.config.maxBodyBytes, NDJSON_TYPES.includes(type));
  if (!body.ok) {
    reject(res, body.errors, 'the body is not valid JSON');
    return;
  }
  const prepared = prepareBatch(body.items, { format });
  if (!prepared.ok) {
    const errors = body.lines ? withLines(prepared.errors, body.lines) : prepared.errors;
    reject(res, errors, `${countEvents(errors)} of ${body.items.length} event(s) are invalid`);
    return;
  }
  const receipt = await ctx.store.insert(prepared.quads);
  // Before the 202: a client that sees no answer re-sends, and the refresh of the re-sent batch repairs the state.
  await refreshOnlineState(ctx.store, prepared.quads);
  res.status(202).json({
    events: prepared.events.length,
    ...(format === 'flowcept' ? { messages: body.items.length } : {}),
    triples: prepared.quads.length,
    seq: receipt.seq,
  });
}

function formatOf(req: Request): BatchFormat {
  const format = req.query.format;
  if (format === undefined || format === 'provml') return 'provml';
  if (format === 'flowcept') return 'flowcept';
  throw new BadRequestError(
    `Unknown format '${String(format)}': use format=provml (the default) or format=flowcept.`,
  );
}

/** 400 with every finding; the batch is refused as a whole. */
function reject(res: Response, errors: Array<EventError & { line?: number }>, summary: string): void {
  const first = errors[0];
  const where = first
    ? ` First: ${first.index >= 0 ? `event ${first.index}` : 'the batch'}${first.line ? ` (line ${first.line})` : ''}${first.path ? ` at ${first.path}` : ''} ${first.message}.`
    : '';
  res.status(400).json({ error: `${summary}; nothing was written.${where}`, errors });
}

function countEvents(errors: EventError[]): number {
  return new Set(errors.map((error) => error.index)).size;
}
