// A real headless Chromium opens an attacker's page from another local origin, which tries every write it can
// make to a provml server on 127.0.0.1; the store must be unchanged. Needs Debian's chromium (CHROMIUM_PATH to
// override): missing, the test fails, it never skips.
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Config, loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp } from '../../src/server/app.ts';
import { dumpText, openMemoryStore, type ProvStore } from '../../src/store/index.ts';
import { CHROMIUM, launchChromium } from '../web/browser.ts';
import { attackPage, reboundPage } from './attack-page.ts';

const GRAPH = 'http://example.org/g1';
const SEED = `INSERT DATA {
  <http://example.org/d> <http://example.org/p> "in default" .
  GRAPH <${GRAPH}> { <http://example.org/a> <http://example.org/p> "in g1" . }
}`;
const EVENTS = readFileSync(new URL('../fixtures/events/evaluation.json', import.meta.url), 'utf8');
const REBOUND = 'rebind.test';

interface Seen {
  method: string;
  url: string;
  host?: string;
  origin?: string;
  site?: string;
  status: number;
}

/** A provml app on 127.0.0.1 that records every request it answered. */
interface Target {
  url: string;
  port: number;
  store: ProvStore;
  seen: Seen[];
  /** Resolves once `count` requests matching `match` have been answered. */
  arrived(match: (seen: Seen) => boolean, count: number): Promise<void>;
  close(): Promise<void>;
}

async function startTarget(flags: { [K in keyof Config]?: unknown } = {}): Promise<Target> {
  const store = await openMemoryStore();
  await store.update(SEED);
  const app = createApp({
    store,
    config: loadConfig({ flags: { dataDir: '/nonexistent-test-data', ...flags } }),
    logger: silentLogger(),
  });
  const seen: Seen[] = [];
  const waiters: Array<() => void> = [];
  const server = createServer((req, res) => {
    res.on('finish', () => {
      seen.push({ ...describeRequest(req), status: res.statusCode });
      for (const wake of waiters.splice(0)) wake();
    });
    app(req, res);
  });
  const port = await listen(server);
  const arrived = (match: (seen: Seen) => boolean, count: number): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (seen.filter(match).length >= count) resolve();
        else waiters.push(check);
      };
      check();
    });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    store,
    seen,
    arrived,
    close: async () => {
      await closeServer(server);
      await store.close();
    },
  };
}

function describeRequest(req: IncomingMessage): Omit<Seen, 'status'> {
  const header = (name: string): string | undefined => req.headers[name] as string | undefined;
  return {
    method: req.method ?? '',
    url: req.url ?? '',
    host: header('host'),
    origin: header('origin'),
    site: header('sec-fetch-site'),
  };
}

/** The attacker's server: the page at /, and a SPARQL "endpoint" that only counts who calls it. */
async function startAttacker(
  targetFor: () => Target,
): Promise<{ port: number; canaryHits: string[]; close(): Promise<void> }> {
  const canaryHits: string[] = [];
  const server = createServer((req, res) => {
    if (req.url?.startsWith('/canary')) {
      canaryHits.push(req.url);
      res.writeHead(500).end();
      return;
    }
    const target = targetFor();
    const page = attackPage({
      target: target.url,
      canary: `http://localhost:${port}/canary/sparql`,
      graph: GRAPH,
      events: EVENTS,
    });
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(page);
  });
  const port = await listen(server);
  return { port, canaryHits, close: () => closeServer(server) };
}

async function snapshot(store: ProvStore): Promise<string> {
  const dump = await dumpText(store.dump({ format: 'application/n-quads' }));
  return dump.split('\n').filter(Boolean).sort().join('\n');
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

async function runPage(page: Page, url: string): Promise<Record<string, unknown>> {
  await page.goto(url);
  await page.waitForFunction(() => (window as unknown as { done?: boolean }).done === true);
  return page.evaluate(() => (window as unknown as { results: Record<string, unknown> }).results);
}

/** The attempts that reach the server (forms, no-cors fetches, beacons, images, the allowed preflight's POST). */
const REACHING = (origin: string) => (s: Seen) =>
  s.method !== 'OPTIONS' && (s.origin === origin || (s.method === 'GET' && s.site !== undefined));
const REACHING_COUNT = 4 + 6 + 1 + 2 + 2;

let browser: Browser;
let target: Target;
let attacker: Awaited<ReturnType<typeof startAttacker>>;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `No Chromium at ${CHROMIUM}: this test needs a real browser (Debian: apt-get install chromium; or set CHROMIUM_PATH).`,
    );
  }
  // Playwright gives every launch a fresh, temporary profile (its own --user-data-dir).
  browser = await launchChromium([
    // DNS rebinding, simulated: the attacker's name now resolves to this machine.
    `--host-resolver-rules=MAP ${REBOUND} 127.0.0.1`,
    // Chromium's own Local Network Access check would stop a public page reaching loopback; Firefox and
    // Safari have none, so it is off here: what is tested is the server's guard, not this browser's.
    '--disable-features=LocalNetworkAccessChecks',
  ]);
  attacker = await startAttacker(() => target);
});

afterAll(async () => {
  await browser?.close();
  await attacker?.close();
});

describe('a page from another local origin, in Chromium', () => {
  it.each([
    ['cross-site (localhost → 127.0.0.1)', 'localhost'],
    ['same-site (127.0.0.1, another port)', '127.0.0.1'],
  ])('%s: no write lands, nothing is fetched on its behalf', async (_case, attackerHost) => {
    target = await startTarget();
    const page = await browser.newPage();
    try {
      const before = await snapshot(target.store);
      const origin = `http://${attackerHost}:${attacker.port}`;
      const results = await runPage(page, `${origin}/`);
      await target.arrived(REACHING(origin), REACHING_COUNT);

      const reached = target.seen.filter(REACHING(origin));
      expect(reached.map((s) => `${s.method} ${s.url.split('?')[0]} ${s.status}`).sort()).toEqual(
        [
          'GET /sparql 403',
          'GET /api/v1/queries/measure-per-epoch 403',
          'POST /sparql 403', // form update=DROP ALL
          'POST /sparql 403', // form INSERT DATA
          'POST /store 403', // multipart form
          'POST /api/v1/import 403', // text/plain form shaped as Turtle
          'POST /sparql 403', // no-cors form update
          'POST /sparql 415', // no-cors text/plain: not a SPARQL request at all
          'POST /api/v1/events 403',
          'POST /api/v1/lineage 403',
          'POST /api/v1/import 403',
          'POST /store 403', // no-cors multipart
          'POST /sparql 403', // CORS sparql-update, after its preflight
          'POST /api/v1/events 403', // beacon
          'POST /api/v1/import 403', // beacon
        ].sort(),
      );
      // The browser itself stops PUT, DELETE and Authorization at the preflight: readers may not send them.
      expect(results).toMatchObject({
        'cors sparql-update': 'cors 403',
        'cors PUT store': 'blocked TypeError',
        'cors DELETE store': 'blocked TypeError',
        'cors with a guessed token': 'blocked TypeError',
        'beacon events': true,
      });
      expect(attacker.canaryHits).toEqual([]);
      expect(await snapshot(target.store)).toBe(before);
    } finally {
      await page.close();
      await target.close();
    }
  });

  it('the same page does write when its origin is listed: the check above can fail', async () => {
    const origin = `http://localhost:${attacker.port}`;
    target = await startTarget({ writeOrigins: origin });
    const page = await browser.newPage();
    try {
      const before = await snapshot(target.store);
      await runPage(page, `${origin}/`);
      await target.arrived(REACHING(origin), REACHING_COUNT);
      expect(target.seen.some((s) => s.method === 'POST' && s.status === 204)).toBe(true);
      expect(await snapshot(target.store)).not.toBe(before);
    } finally {
      await page.close();
      await target.close();
    }
  });
});

describe('DNS rebinding, in Chromium', () => {
  /** The attacker's page, as if served under its own name before that name was re-pointed at 127.0.0.1. */
  async function reboundVisit(flags: { [K in keyof Config]?: unknown } = {}) {
    target = await startTarget(flags);
    const page = await browser.newPage();
    const pageUrl = `http://${REBOUND}:${target.port}/attack`;
    await page.route(pageUrl, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html', body: reboundPage() }),
    );
    try {
      const before = await snapshot(target.store);
      const results = await runPage(page, pageUrl);
      return { results, changed: (await snapshot(target.store)) !== before, seen: [...target.seen] };
    } finally {
      await page.close();
      await target.close();
    }
  }

  it('a same-origin page under a foreign name can neither read nor write', async () => {
    const { results, changed, seen } = await reboundVisit();
    expect(results).toMatchObject({ read: 403, write: 403 });
    expect(String(results.readBody)).toContain('is not a name of this server');
    expect(String(results.readBody)).not.toContain('in g1');
    expect(seen.every((s) => s.host === `${REBOUND}:${target.port}` && s.status === 403)).toBe(true);
    expect(changed).toBe(false);
  });

  it('with that name allowed, the read gets through (the check above can fail) and the write still does not', async () => {
    const { results, changed } = await reboundVisit({ allowedHosts: REBOUND });
    expect(results).toMatchObject({ read: 200, write: 403 });
    expect(String(results.readBody)).toContain('in g1');
    expect(changed).toBe(false);
  });
});
