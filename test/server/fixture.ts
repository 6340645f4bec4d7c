import type { Express } from 'express';
import type { Test } from 'supertest';
import { type Config, loadConfig } from '../../src/config.ts';
import { silentLogger } from '../../src/logger.ts';
import { createApp, settledWrites } from '../../src/server/app.ts';
import type { ProvStore } from '../../src/store/index.ts';
import { settledStore } from '../support/settled-store.ts';
import { openTestStore } from '../support/test-store.ts';

export const EX = 'http://example.org/';
export const G1 = `${EX}g1`;
export const G2 = `${EX}g2`;

/** Two named graphs and one default-graph triple, so dataset and union behaviour are observable. */
export const SEED = `
INSERT DATA {
  <${EX}d> <${EX}p> "in default" .
  GRAPH <${G1}> { <${EX}a> <${EX}p> "in g1" . }
  GRAPH <${G2}> { <${EX}b> <${EX}p> "in g2" . }
}`;

export function testConfig(flags: { [K in keyof Config]?: unknown } = {}): Config {
  return loadConfig({ flags: { dataDir: '/nonexistent-test-data', ...flags } });
}

export interface TestApp {
  app: Express;
  store: ProvStore;
  config: Config;
}

export async function seededApp(
  flags: { [K in keyof Config]?: unknown } = {},
  seed = SEED,
): Promise<TestApp> {
  const store = await openTestStore();
  if (seed) await store.update(seed);
  const config = testConfig(flags);
  const app = appOver(store, config);
  return { app, store: settledStore(store, app), config };
}

export function appOver(store: ProvStore, config: Config): Express {
  return createApp({ store, config, logger: silentLogger() });
}

/** Resolves once the online state covers every batch the app acknowledged, for a test reading its raw store. */
export async function settledThrough(app: Express): Promise<void> {
  await settledWrites(app);
}

function collectText(
  res: NodeJS.ReadableStream,
  callback: (error: Error | null, body: string) => void,
): void {
  let body = '';
  res.setEncoding('utf8');
  res.on('data', (chunk: string) => {
    body += chunk;
  });
  res.on('end', () => callback(null, body));
}

/** supertest buffers only known text types; this parser collects any response body as a string. */
export const text = collectText as unknown as Parameters<Test['parse']>[0];
