import { Router } from 'express';
import type { AppContext } from '../context.ts';

/**
 * The /api/v1 routers, one module per concern. Each `create…Router(ctx)` returns an express Router
 * mounted below /api/v1.
 */
export function createApiRouter(_ctx: AppContext): Router {
  const router = Router();
  // Each concern adds one line here: router.use(createEventsRouter(ctx)); router.use(createValidateRouter(ctx)); …
  return router;
}
