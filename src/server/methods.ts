import type { Router } from 'express';
import { methodNotAllowed } from './errors.ts';

/**
 * Closes a route after its method handlers: OPTIONS answers 204 with Allow (CORS preflights are
 * answered earlier by the CORS middleware), any other method 405 with Allow.
 */
export function closeRoute(router: Router, path: string, allow: string[]): void {
  const all = [...allow, 'OPTIONS'];
  router.options(path, (_req, res) => {
    res.set('Allow', all.join(', ')).status(204).end();
  });
  router.all(path, methodNotAllowed(all));
}
