import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { ForbiddenError, UnauthorizedError } from './errors.ts';
import { describePage, isListedOrigin, pageOrigin } from './origin.ts';

/** True for 127.0.0.0/8, ::1 and IPv4-mapped 127.x addresses. */
export function isLoopbackAddress(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4)) return true;
  return address === '::1' || address === '0:0:0:0:0:0:0:1';
}

/** Said at start-up when the server listens beyond loopback without a token: the network may read, not write. */
export function exposureWarning(config: Pick<Config, 'host' | 'token'>): string | undefined {
  const loopback = isLoopbackAddress(config.host) || config.host.toLowerCase() === 'localhost';
  if (loopback || config.token !== undefined) return undefined;
  return `listening on ${config.host} without a token: every client that reaches this port may read the store, and only clients on this machine's loopback may write. Set PROVML_TOKEN (or --token) to let other machines or containers write.`;
}

/** The parts of a request the write check reads (a plain object in unit tests). */
export type WriteRequest = Pick<Request, 'headers'> & { socket: { remoteAddress?: string | undefined } };

/** What the write check reads from the configuration. */
export type WriteAccessConfig = Pick<Config, 'token'> & Partial<Pick<Config, 'writeOrigins'>>;

/**
 * Throws unless the request may write; every write (and every request that makes the server fetch
 * elsewhere) passes here. A request from a web page may write only when the page's origin is listed in
 * writeOrigins: the browser connects from loopback, so any page the user opens could otherwise write.
 * Then, with a token configured, the request must carry it as a Bearer token. Without one, only loopback
 * peers may write; a request forwarded by a proxy (which makes every client look local) is refused, so
 * a proxied deployment has to set a token.
 */
export function checkWriteAccess(config: WriteAccessConfig, req: WriteRequest): void {
  const page = pageOrigin(req.headers);
  if (page && !isListedOrigin(page, config.writeOrigins ?? [])) {
    throw new ForbiddenError(
      `This write comes from ${describePage(page)}, and web pages may only read here (any page you open could otherwise change the store). To let a page you trust write, list its origin in PROVML_WRITE_ORIGINS (or --write-origins); it then sends the token too when one is set. Clients that are not browsers (curl, the CLI, the provml clients) are not affected.`,
    );
  }
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
export function requireWriteAccess(config: WriteAccessConfig): RequestHandler {
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
