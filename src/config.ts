// Configuration: defaults, then an optional JSON file, then environment, then CLI flags; validated once.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProvmlError } from './errors.ts';

export interface Config {
  port: number;
  host: string;
  /** Directory of the durable store (log, snapshots). */
  dataDir: string;
  /** Bearer token for writes; when unset, writes are accepted only from loopback clients. */
  token?: string;
  /** Queries running longer than this are answered 503 and abandoned. */
  queryTimeoutMs: number;
  /** Largest request body accepted (413 beyond). */
  maxBodyBytes: number;
  /** CORS: allowed origins ('*' for any, [] to disable). */
  corsOrigins: string[] | '*';
  /** Origins of web pages that may write (with the token, when one is set); other pages only read. */
  writeOrigins: string[];
  /** Host names besides localhost and IP addresses that requests may name ('*' for any); others are refused. */
  allowedHosts: string[] | '*';
  /** Directory holding prov-ml.ttl, imports/, shapes.ttl, context.jsonld. */
  ontologyDir: string;
  /** Write a snapshot after this many log bytes (bounds recovery time). */
  snapshotAfterBytes: number;
  /** Write the snapshots due while serving in a worker of their own (a second copy of the store meanwhile). */
  snapshotInBackground: boolean;
  /** Bytes that exports' pages not read yet by their clients may take in spool files, all exports together. */
  maxSpoolBytes: number;
  logLevel: string;
  /** Refuse writes beyond this many quads (the in-memory WASM engine has a hard memory ceiling). */
  maxQuads?: number;
  /** SPARQL queries without a dataset see the union of all graphs as their default graph. */
  unionDefaultGraph: boolean;
  /** Storage engine: the durable embedded Oxigraph, or an external SPARQL 1.1 engine (e.g. Virtuoso). */
  store: 'embedded' | 'sparql';
  /** For store 'sparql': the engine's query, update and (optional) Graph Store endpoints and credentials. */
  sparqlQueryUrl?: string;
  sparqlUpdateUrl?: string;
  sparqlGspUrl?: string;
  sparqlUser?: string;
  sparqlPassword?: string;
}

/** Every problem found while loading the configuration, each naming its source and what is expected. */
export class ConfigError extends ProvmlError {
  readonly problems: string[];
  constructor(problems: string[]) {
    super('InvalidConfig', `Invalid configuration: ${problems.join('; ')}`);
    this.problems = problems;
  }
}

export interface LoadConfigOptions {
  /** Values given on the command line (strings as typed, or already typed values). */
  flags?: { [K in keyof Config]?: unknown };
  /** Environment to read PROVML_* variables from (default: none, so tests stay hermetic). */
  env?: NodeJS.ProcessEnv;
  /** JSON configuration file; when absent, PROVML_CONFIG from env is used if set. */
  file?: string;
}

const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MIB = 1024 * 1024;
const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** The defaults; relative paths resolve against `cwd`. */
export const defaultConfig = (cwd: string = process.cwd()): Config => ({
  port: 7070,
  host: '127.0.0.1',
  dataDir: resolve(cwd, 'data'),
  queryTimeoutMs: 30_000,
  maxBodyBytes: 64 * MIB,
  corsOrigins: '*',
  writeOrigins: [],
  allowedHosts: [],
  ontologyDir: resolve(PACKAGE_ROOT, 'ontology'),
  snapshotAfterBytes: 64 * MIB,
  snapshotInBackground: true,
  maxSpoolBytes: 4096 * MIB,
  logLevel: 'info',
  // Below the ~13.6M quads measured as the ceiling of the 4 GiB WASM memory, leaving room for queries and snapshots.
  maxQuads: 10_000_000,
  unionDefaultGraph: true,
  store: 'embedded',
});

type Key = keyof Config;
interface Setting {
  value: unknown;
  /** Where the value came from, as the user would name it (PROVML_PORT, --port, file x.json: port). */
  source: string;
  /** Directory relative paths resolve against. */
  baseDir: string;
}
type Parser = (value: unknown, setting: Setting) => { ok: unknown } | { expected: string };

const ENV_NAMES: Record<Key, string> = {
  port: 'PROVML_PORT',
  host: 'PROVML_HOST',
  dataDir: 'PROVML_DATA',
  token: 'PROVML_TOKEN',
  queryTimeoutMs: 'PROVML_QUERY_TIMEOUT_MS',
  maxBodyBytes: 'PROVML_MAX_BODY',
  corsOrigins: 'PROVML_CORS_ORIGINS',
  writeOrigins: 'PROVML_WRITE_ORIGINS',
  allowedHosts: 'PROVML_ALLOWED_HOSTS',
  ontologyDir: 'PROVML_ONTOLOGY_DIR',
  snapshotAfterBytes: 'PROVML_SNAPSHOT_AFTER_BYTES',
  snapshotInBackground: 'PROVML_SNAPSHOT_IN_BACKGROUND',
  maxSpoolBytes: 'PROVML_MAX_SPOOL_BYTES',
  logLevel: 'PROVML_LOG_LEVEL',
  maxQuads: 'PROVML_MAX_QUADS',
  unionDefaultGraph: 'PROVML_UNION_DEFAULT_GRAPH',
  store: 'PROVML_STORE',
  sparqlQueryUrl: 'PROVML_SPARQL_QUERY_URL',
  sparqlUpdateUrl: 'PROVML_SPARQL_UPDATE_URL',
  sparqlGspUrl: 'PROVML_SPARQL_GSP_URL',
  sparqlUser: 'PROVML_SPARQL_USER',
  sparqlPassword: 'PROVML_SPARQL_PASSWORD',
};

const FLAG_NAMES: Partial<Record<Key, string>> = { dataDir: '--data' };
const flagName = (key: Key): string =>
  FLAG_NAMES[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

const integer =
  (min: number, max: number, what: string): Parser =>
  (value) => {
    const n = typeof value === 'string' && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
    return typeof n === 'number' && Number.isInteger(n) && n >= min && n <= max
      ? { ok: n }
      : { expected: what };
  };

const UNITS: Record<string, number> = {
  '': 1,
  k: 1024,
  kib: 1024,
  m: MIB,
  mib: MIB,
  g: 1024 * MIB,
  gib: 1024 * MIB,
};

/** Bytes as an integer, or with a binary unit: 512k, 64MiB, 1G. */
const bytes =
  (max: number): Parser =>
  (value) => {
    const expected = { expected: 'a size in bytes, optionally with a unit (65536, 512KiB, 64MiB, 1GiB)' };
    if (typeof value === 'number')
      return Number.isInteger(value) && value > 0 && value <= max ? { ok: value } : expected;
    const match = typeof value === 'string' ? /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(value) : null;
    const unit = UNITS[match?.[2]?.toLowerCase() ?? 'none'];
    if (!match || unit === undefined) return expected;
    const n = Number(match[1]) * unit;
    return n > 0 && n <= max ? { ok: n } : expected;
  };

const nonEmpty =
  (what: string): Parser =>
  (value) =>
    typeof value === 'string' && value.trim() !== '' ? { ok: value.trim() } : { expected: what };

const path: Parser = (value, setting) =>
  typeof value === 'string' && value.trim() !== ''
    ? { ok: resolve(setting.baseDir, value.trim()) }
    : { expected: 'a directory path' };

const token: Parser = (value) =>
  typeof value === 'string' && /^[\x21-\x7e]+$/.test(value)
    ? { ok: value }
    : {
        expected:
          'a non-empty token of printable ASCII characters without spaces (it travels in an HTTP header)',
      };

const ORIGIN = /^https?:\/\/[^/\s?#]+$/;
const cors: Parser = (value) => {
  const expected = {
    expected: "'*', 'none', or a comma-separated list of origins like https://example.org:8080",
  };
  if (value === '*' || value === 'none') return { ok: value === '*' ? '*' : [] };
  const list: unknown = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || !list.every((o) => typeof o === 'string')) return expected;
  const origins = list.map((o: string) => o.trim().replace(/\/$/, ''));
  return origins.length > 0 && origins.every((o) => ORIGIN.test(o)) ? { ok: origins } : expected;
};

/** Origins as browsers send them (lower case, no default port), so comparing them is exact. */
const writeOrigins: Parser = (value) => {
  const expected = {
    expected: "'none' or a comma-separated list of origins like http://localhost:5173 ('*' is not allowed)",
  };
  if (value === 'none') return { ok: [] };
  const list: unknown = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || !list.every((o) => typeof o === 'string')) return expected;
  const origins = list.map((o: string) => o.trim().replace(/\/$/, ''));
  if (origins.length === 0 || !origins.every((o) => ORIGIN.test(o.toLowerCase()))) return expected;
  return { ok: origins.map((o) => new URL(o).origin) };
};

const HOST_NAME = /^\.?[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/i;
const allowedHosts: Parser = (value) => {
  const expected = {
    expected:
      "'*' or a comma-separated list of host names without scheme or port (provml.internal, .example.org for its subdomains)",
  };
  if (value === '*') return { ok: '*' };
  if (value === 'none') return { ok: [] };
  const list: unknown = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(list) || !list.every((h) => typeof h === 'string')) return expected;
  const hosts = list.map((h: string) => h.trim().toLowerCase());
  return hosts.length > 0 && hosts.every((h) => HOST_NAME.test(h)) ? { ok: hosts } : expected;
};

const bool: Parser = (value) => {
  if (typeof value === 'boolean') return { ok: value };
  if (value === 'true' || value === '1') return { ok: true };
  if (value === 'false' || value === '0') return { ok: false };
  return { expected: 'true or false' };
};

const httpUrl: Parser = (value) => {
  const expected = { expected: 'an http(s) URL such as http://127.0.0.1:8890/sparql' };
  if (typeof value !== 'string') return expected;
  try {
    const url = new URL(value.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? { ok: url.href } : expected;
  } catch {
    return expected;
  }
};

const logLevel: Parser = (value) =>
  typeof value === 'string' && LOG_LEVELS.includes(value)
    ? { ok: value }
    : { expected: `one of ${LOG_LEVELS.join(', ')}` };

const PARSERS: Record<Key, Parser> = {
  port: integer(0, 65_535, 'a port number from 0 to 65535 (0 picks a free port)'),
  host: nonEmpty('a host name or IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0'),
  dataDir: path,
  token,
  queryTimeoutMs: integer(1, 86_400_000, 'a time limit in milliseconds (a positive integer)'),
  maxBodyBytes: bytes(2 ** 31),
  corsOrigins: cors,
  writeOrigins,
  allowedHosts,
  ontologyDir: path,
  snapshotAfterBytes: bytes(Number.MAX_SAFE_INTEGER),
  snapshotInBackground: bool,
  maxSpoolBytes: bytes(Number.MAX_SAFE_INTEGER),
  logLevel,
  maxQuads: integer(1, Number.MAX_SAFE_INTEGER, 'a number of quads (a positive integer)'),
  unionDefaultGraph: bool,
  store: (value) =>
    value === 'embedded' || value === 'sparql' ? { ok: value } : { expected: "'embedded' or 'sparql'" },
  sparqlQueryUrl: httpUrl,
  sparqlUpdateUrl: httpUrl,
  sparqlGspUrl: httpUrl,
  sparqlUser: nonEmpty('a user name'),
  sparqlPassword: (value) =>
    typeof value === 'string' && value !== '' ? { ok: value } : { expected: 'a password' },
};

const KEYS = Object.keys(PARSERS) as Key[];

/** Loads, merges and validates the configuration; throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): Config {
  const env = options.env ?? {};
  const problems: string[] = [];
  const settings = new Map<Key, Setting>();
  const cwd = process.cwd();

  const file = options.file ?? env.PROVML_CONFIG;
  if (file) readFileSettings(resolve(cwd, file), settings, problems);
  for (const key of KEYS) {
    const value = env[ENV_NAMES[key]];
    if (value !== undefined && value !== '')
      settings.set(key, { value, source: ENV_NAMES[key], baseDir: cwd });
  }
  for (const key of KEYS) {
    const value = options.flags?.[key];
    if (value !== undefined) settings.set(key, { value, source: flagName(key), baseDir: cwd });
  }
  for (const key of Object.keys(options.flags ?? {})) {
    if (!KEYS.includes(key as Key)) problems.push(`unknown option ${key}`);
  }

  const config: Record<string, unknown> = { ...defaultConfig(cwd) };
  for (const key of KEYS) {
    const setting = settings.get(key);
    if (!setting) continue;
    const parsed = PARSERS[key](setting.value, setting);
    if ('ok' in parsed) config[key] = parsed.ok;
    else
      problems.push(`${setting.source}: expected ${parsed.expected}, got ${JSON.stringify(setting.value)}`);
  }
  if (config.store === 'sparql') {
    for (const key of ['sparqlQueryUrl', 'sparqlUpdateUrl'] as const) {
      if (config[key] === undefined)
        problems.push(`PROVML_STORE=sparql needs ${ENV_NAMES[key]} (the engine's endpoint)`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return config as unknown as Config;
}

function readFileSettings(file: string, settings: Map<Key, Setting>, problems: string[]): void {
  let content: unknown;
  try {
    content = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    problems.push(
      `config file ${file}: cannot read it as JSON (${reason}); pass --config or PROVML_CONFIG a JSON object file`,
    );
    return;
  }
  if (typeof content !== 'object' || content === null || Array.isArray(content)) {
    problems.push(`config file ${file}: expected a JSON object with keys ${KEYS.join(', ')}`);
    return;
  }
  for (const [key, value] of Object.entries(content)) {
    if (!KEYS.includes(key as Key)) {
      problems.push(`config file ${file}: unknown key "${key}" (known keys: ${KEYS.join(', ')})`);
    } else if (value !== null && value !== undefined) {
      settings.set(key as Key, { value, source: `config file ${file}: ${key}`, baseDir: dirname(file) });
    }
  }
}
