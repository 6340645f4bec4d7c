// Against DNS rebinding: a page at http://evil.example:7070 whose name the attacker re-points to 127.0.0.1 is
// same-origin with itself, so the browser lets it read and write freely; only the Host it sends gives it away.
import { isIP } from 'node:net';
import type { RequestHandler } from 'express';
import type { Config } from '../config.ts';
import { ForbiddenError } from './errors.ts';

export type HostGuardConfig = Pick<Config, 'host' | 'allowedHosts'>;

/**
 * True when `hostHeader` names this server: an IP address (a rebinding attack needs a name it controls),
 * localhost and *.localhost (browsers resolve them to loopback themselves), the address the server was told
 * to listen on, or a name in allowedHosts (".example.org" covers example.org and its subdomains; "*" any).
 * The port is not compared: a forwarded port (ssh -L, docker -p) reaches the server under another one.
 */
export function isAllowedHost(hostHeader: string | undefined, config: HostGuardConfig): boolean {
  // HTTP/1.0 clients may omit Host; a browser never does, so no page can be behind such a request.
  if (hostHeader === undefined) return true;
  if (config.allowedHosts === '*') return true;
  const name = hostName(hostHeader);
  if (name === undefined) return false;
  if (isIP(name) !== 0) return true;
  if (name === 'localhost' || name.endsWith('.localhost')) return true;
  if (name === config.host.toLowerCase()) return true;
  return config.allowedHosts.some((allowed) =>
    allowed.startsWith('.') ? name === allowed.slice(1) || name.endsWith(allowed) : name === allowed,
  );
}

/** Refuses (403), before anything is read or written, a request whose Host is not one of this server's names. */
export function hostGuard(config: HostGuardConfig): RequestHandler {
  return (req, _res, next) => {
    const host = req.headers.host;
    if (isAllowedHost(host, config)) {
      next();
      return;
    }
    next(
      new ForbiddenError(
        `The Host ${JSON.stringify(host)} is not a name of this server, so the request was refused (a web page using DNS rebinding looks like this). If you reach provml under that name on purpose, add it to PROVML_ALLOWED_HOSTS (or --allowed-hosts).`,
      ),
    );
  };
}

/** The host name of a Host header, lower case, IPv6 without brackets; undefined when it is not a valid host. */
function hostName(hostHeader: string): string | undefined {
  if (hostHeader === '' || /[\s/?#@\\]/.test(hostHeader)) return undefined;
  try {
    const { hostname } = new URL(`http://${hostHeader}`);
    return hostname.startsWith('[') ? hostname.slice(1, -1) : hostname;
  } catch {
    return undefined;
  }
}
