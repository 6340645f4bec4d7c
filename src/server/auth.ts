import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** The parts of a request the write check reads (a plain object in unit tests). */
export type WriteRequest = Pick<Request, 'headers'> & { socket: { remoteAddress?: string | undefined } };

/**
 * Throws unless the request may write. With a token configured, the request must carry it as a
 * Bearer token. Without one, only loopback peers may write; a request forwarded by a proxy (which
 * makes every client look local) is refused, so a proxied deployment has to set a token.
 */
export function checkWriteAccess(config: Pick<Config, 'token'>, req: WriteRequest): void {
  if (config.token !== undefined) {
    const presented = bearerToken(req.headers.authorization);
    if (presented === undefined) {
      throw new UnauthorizedError(
        'This is a write: send the server token as "Authorization: Bearer <token>".',
      );
    }
    if (!sameSecret(presented, config.token)) {
      throw new ForbiddenError(
        'The bearer token is wrong: use the token the server was started with (PROVML_TOKEN or --token).',
      );
    }
    return;
  }
  const proxied = req.headers.forwarded !== undefined || req.headers['x-forwarded-for'] !== undefined;
  if (proxied || !isLoopbackAddress(req.socket.remoteAddress)) {
    throw new ForbiddenError(
      'Writes from other machines (or through a proxy) need a token: start the server with PROVML_TOKEN (or --token) set and send "Authorization: Bearer <token>".',
    );
  }
}

/** Middleware guarding write routes (updates, Graph Store writes, event ingestion, import). */
export function requireWriteAccess(config: Pick<Config, 'token'>): RequestHandler {
  return (req, _res, next) => {
    try {
      checkWriteAccess(config, req);
      next();
    } catch (error) {
      next(error);
    }
  };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = header?.match(/^\s*Bearer\s+(\S+)\s*$/i);
  return match?.[1];
}

/** Constant-time comparison: hashing first makes the lengths equal and hides the token's length. */
function sameSecret(a: string, b: string): boolean {
  const digest = (s: string): Buffer => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(a), digest(b));
}
