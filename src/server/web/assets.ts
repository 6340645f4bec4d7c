import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** src/web/: the page's TypeScript sources. */
export const WEB_SOURCE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../web');

export interface Asset {
  /** The hashed file name under /assets/. */
  name: string;
  type: string;
  body: Buffer;
}

/** The built page: every asset by hashed name, and the names each page links. */
export interface WebBundle {
  assets: Map<string, Asset>;
  /** Logical name (app.js, app.css, sparql.js, yasgui.js, yasgui.css, …) → hashed name. */
  names: Record<string, string>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

const hashed = (base: string, ext: string, body: Buffer): string =>
  `${base}-${createHash('sha256').update(body).digest('hex').slice(0, 12)}${ext}`;

/** Yasgui ships its own built bundle and stylesheet: served as they are, from the installed package. */
async function vendorAssets(): Promise<Array<[string, Buffer]>> {
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@zazuko/yasgui/package.json'));
  return [
    ['yasgui.js', await readFile(join(dir, 'build/yasgui.min.js'))],
    ['yasgui.css', await readFile(join(dir, 'build/yasgui.min.css'))],
  ];
}

/**
 * Bundles src/web (TypeScript, uPlot) with esbuild in memory, once per process: no build step after
 * `npm ci`, and what is served always matches the sources. esbuild is loaded only when the page is asked for.
 */
export async function buildWebBundle(): Promise<WebBundle> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: { app: join(WEB_SOURCE_DIR, 'app.ts'), sparql: join(WEB_SOURCE_DIR, 'sparql.ts') },
    bundle: true,
    write: false,
    format: 'esm',
    target: 'es2022',
    minify: true,
    outdir: '/assets',
    logLevel: 'silent',
    legalComments: 'none',
  });
  const assets = new Map<string, Asset>();
  const names: Record<string, string> = {};
  const add = (logical: string, body: Buffer): void => {
    const ext = logical.slice(logical.lastIndexOf('.'));
    const name = hashed(logical.slice(0, -ext.length), ext, body);
    names[logical] = name;
    assets.set(name, { name, type: TYPES[ext] ?? 'application/octet-stream', body });
  };
  for (const file of result.outputFiles) add(file.path.slice('/assets/'.length), Buffer.from(file.contents));
  for (const [logical, body] of await vendorAssets()) add(logical, body);
  return { assets, names };
}
