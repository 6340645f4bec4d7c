import type { IncomingMessage, ServerResponse } from 'node:http';
import { Router } from 'express';
import type { StoreStats } from '../store/index.ts';
import type { AppContext } from './context.ts';
import { closeRoute } from './methods.ts';

/** How long /health waits for fresh statistics before answering with the last known ones. */
const WAIT_FOR_STATS_MS = 250;

type Outcome = { stats: StoreStats } | { error: unknown } | { busy: true };

/**
 * GET /health answers even while a long query occupies the store: it waits briefly for fresh
 * statistics and otherwise reports the last known ones with status "busy".
 */
export function createHealthRouter(ctx: AppContext): Router {
  const router = Router();
  let last: StoreStats | undefined;
  let pending: Promise<Outcome> | undefined;

  router.get('/health', async (_req, res) => {
    pending ??= ctx.store.stats().then(
      (stats) => {
        last = stats;
        pending = undefined;
        return { stats };
      },
      (error: unknown) => {
        pending = undefined;
        return { error };
      },
    );
    const outcome = await Promise.race([pending, delay(WAIT_FOR_STATS_MS)]);
    res.set('Cache-Control', 'no-store');
    if ('error' in outcome) {
      const reason = outcome.error instanceof Error ? outcome.error.message : String(outcome.error);
      res.status(503).json({ status: 'unavailable', reason });
      return;
    }
    const stats = 'stats' in outcome ? outcome.stats : last;
    res.status(200).json({
      status: 'stats' in outcome ? 'ok' : 'busy',
      quads: stats?.quads ?? null,
      graphs: stats?.graphs ?? null,
      readOnly: stats?.readOnly ?? false,
      ...(stats?.readOnlyReason ? { readOnlyReason: stats.readOnlyReason } : {}),
    });
  });
  closeRoute(router, '/health', ['GET', 'HEAD']);
  return router;
}

function delay(ms: number): Promise<Outcome> {
  return new Promise((resolve) => setTimeout(() => resolve({ busy: true }), ms).unref());
}

/** Seconds a client is asked to wait while the store loads. */
const STARTING_RETRY_AFTER_S = 5;

/**
 * Answers every request while the store is still loading (snapshot + log), before the app exists:
 * GET /health with 503 and `{"status":"starting"}` (a load balancer or a readiness probe keeps traffic
 * away, a startup probe sees the process alive), anything else with 503, Retry-After and the reason.
 */
export function answerStarting(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? '/').split('?')[0];
  const message = 'provml is starting: the store is still loading (snapshot and log). Retry shortly.';
  res.statusCode = 503;
  res.setHeader('Retry-After', String(STARTING_RETRY_AFTER_S));
  res.setHeader('Cache-Control', 'no-store');
  const body =
    path === '/health' ? `${JSON.stringify({ status: 'starting', reason: message })}\n` : `${message}\n`;
  res.setHeader(
    'Content-Type',
    path === '/health' ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8',
  );
  res.setHeader('Content-Length', Buffer.byteLength(body));
  // The request body (if any) is not read: drop the connection after answering instead of draining it.
  if (req.method !== 'GET' && req.method !== 'HEAD') res.setHeader('Connection', 'close');
  res.end(req.method === 'HEAD' ? undefined : body);
}
