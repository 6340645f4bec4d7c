// Which web page, if any, sent a request. Browsers say so (Origin on every request but same-origin GET and
// HEAD, Sec-Fetch-Site on every request); curl, the CLI, the provml clients, SPARQLWrapper and rdflib say nothing.
import type { IncomingHttpHeaders } from 'node:http';

/** A request sent by a web page: its origin when known ("null" for sandboxed and opaque pages). */
export interface PageOrigin {
  origin?: string;
  /** How the browser placed the page relative to this server (Sec-Fetch-Site), when it said so. */
  site?: string;
}

/** The page behind a request, or undefined for a client that is not a browser (or a URL the user typed). */
export function pageOrigin(headers: IncomingHttpHeaders): PageOrigin | undefined {
  const origin = single(headers.origin);
  const site = single(headers['sec-fetch-site'])?.toLowerCase();
  if (origin !== undefined) return site ? { origin, site } : { origin };
  if (site === undefined || site === 'none') return undefined;
  // A same-origin GET carries no Origin: the page is this server's own, reached under the Host it named.
  const host = single(headers.host);
  if (site === 'same-origin' && host) return { origin: `http://${host.toLowerCase()}`, site };
  return { site };
}

/** True when the page's origin is one of `allowed` (origins as config normalises them). */
export function isListedOrigin(page: PageOrigin, allowed: readonly string[]): boolean {
  if (page.origin === undefined || page.origin === 'null') return false;
  return allowed.includes(normalizeOrigin(page.origin));
}

/** A page as a message names it: its origin, or what the browser said about it. */
export function describePage(page: PageOrigin): string {
  if (page.origin !== undefined) return `a web page at ${page.origin}`;
  return `a web page of another origin (Sec-Fetch-Site: ${page.site ?? 'unknown'})`;
}

function normalizeOrigin(origin: string): string {
  try {
    return new URL(origin).origin;
  } catch {
    return origin;
  }
}

const single = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;
