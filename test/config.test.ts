import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const FIXTURES = resolve(import.meta.dirname, 'fixtures/config');
const FILE = join(FIXTURES, 'provml.json');

function problemsOf(load: () => unknown): string[] {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const config = loadConfig();
    expect(config).toMatchObject({
      port: 7070,
      host: '127.0.0.1',
      dataDir: resolve('data'),
      queryTimeoutMs: 30_000,
      maxBodyBytes: 64 * 1024 * 1024,
      corsOrigins: '*',
      writeOrigins: [],
      allowedHosts: [],
      maxQuads: 10_000_000,
      logLevel: 'info',
      unionDefaultGraph: true,
    });
    expect(config.token).toBeUndefined();
    expect(config.ontologyDir).toBe(resolve(import.meta.dirname, '../ontology'));
  });

  it('layers defaults < file < environment < flags', () => {
    const fromFile = loadConfig({ file: FILE });
    expect(fromFile).toMatchObject({
      port: 8081,
      host: '0.0.0.0',
      queryTimeoutMs: 1000,
      corsOrigins: ['https://a.example'],
    });
    const fromEnv = loadConfig({ file: FILE, env: { PROVML_PORT: '9000', PROVML_TOKEN: 'abc' } });
    expect(fromEnv).toMatchObject({ port: 9000, host: '0.0.0.0', token: 'abc' });
    const fromFlags = loadConfig({
      file: FILE,
      env: { PROVML_PORT: '9000', PROVML_TOKEN: 'abc' },
      flags: { port: '9001' },
    });
    expect(fromFlags).toMatchObject({ port: 9001, host: '0.0.0.0', token: 'abc' });
  });

  it('finds the file through PROVML_CONFIG and resolves its paths against the file', () => {
    const config = loadConfig({ env: { PROVML_CONFIG: FILE } });
    expect(config.port).toBe(8081);
    expect(config.dataDir).toBe(join(FIXTURES, 'relative-data'));
  });

  it('resolves paths from the environment and flags against the working directory', () => {
    expect(loadConfig({ env: { PROVML_DATA: 'd1' } }).dataDir).toBe(resolve('d1'));
    expect(loadConfig({ flags: { dataDir: 'd2' } }).dataDir).toBe(resolve('d2'));
  });

  it.each([
    [{ PROVML_CORS_ORIGINS: 'none' }, { corsOrigins: [] }],
    [{ PROVML_CORS_ORIGINS: '*' }, { corsOrigins: '*' }],
    [
      { PROVML_CORS_ORIGINS: 'https://a.example, http://b.example:81/' },
      { corsOrigins: ['https://a.example', 'http://b.example:81'] },
    ],
    [{ PROVML_WRITE_ORIGINS: 'none' }, { writeOrigins: [] }],
    [
      { PROVML_WRITE_ORIGINS: 'HTTP://LocalHost:5173/, https://lab.example:443' },
      { writeOrigins: ['http://localhost:5173', 'https://lab.example'] },
    ],
    [{ PROVML_ALLOWED_HOSTS: '*' }, { allowedHosts: '*' }],
    [
      { PROVML_ALLOWED_HOSTS: 'Provml.Internal, .example.org' },
      { allowedHosts: ['provml.internal', '.example.org'] },
    ],
    [{ PROVML_MAX_BODY: '1048576' }, { maxBodyBytes: 1_048_576 }],
    [{ PROVML_MAX_BODY: '512KiB' }, { maxBodyBytes: 512 * 1024 }],
    [{ PROVML_MAX_BODY: '16m' }, { maxBodyBytes: 16 * 1024 * 1024 }],
    [{ PROVML_SNAPSHOT_AFTER_BYTES: '1 GiB' }, { snapshotAfterBytes: 1024 ** 3 }],
    [{ PROVML_MAX_QUADS: '5000' }, { maxQuads: 5000 }],
    [{ PROVML_SNAPSHOT_AFTER_BYTES: '1000' }, { snapshotAfterBytes: 1000 }],
    [{ PROVML_LOG_LEVEL: 'debug' }, { logLevel: 'debug' }],
    [{ PROVML_UNION_DEFAULT_GRAPH: 'false' }, { unionDefaultGraph: false }],
    [{ PROVML_SNAPSHOT_IN_BACKGROUND: 'false' }, { snapshotInBackground: false }],
    [{}, { snapshotInBackground: true }],
    [{ PROVML_MAX_SPOOL_BYTES: '8 GiB' }, { maxSpoolBytes: 8 * 1024 ** 3 }],
    [{}, { maxSpoolBytes: 4 * 1024 ** 3 }],
    [{ PROVML_QUERY_TIMEOUT_MS: '250' }, { queryTimeoutMs: 250 }],
    [{ PROVML_PORT: '0' }, { port: 0 }],
    [{ PROVML_PORT: '' }, { port: 7070 }],
  ])('reads %j', (env, expected) => {
    expect(loadConfig({ env })).toMatchObject(expected);
  });

  it('lists every problem, each naming its source and what is expected', () => {
    const problems = problemsOf(() =>
      loadConfig({
        env: {
          PROVML_PORT: '70000',
          PROVML_QUERY_TIMEOUT_MS: '-5',
          PROVML_CORS_ORIGINS: 'example.org',
          PROVML_TOKEN: 'has space',
        },
        flags: { host: '  ', logLevel: 'loud' },
      }),
    );
    expect(problems).toEqual([
      'PROVML_PORT: expected a port number from 0 to 65535 (0 picks a free port), got "70000"',
      '--host: expected a host name or IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0, got "  "',
      'PROVML_TOKEN: expected a non-empty token of printable ASCII characters without spaces (it travels in an HTTP header), got "has space"',
      'PROVML_QUERY_TIMEOUT_MS: expected a time limit in milliseconds (a positive integer), got "-5"',
      "PROVML_CORS_ORIGINS: expected '*', 'none', or a comma-separated list of origins like https://example.org:8080, got \"example.org\"",
      '--log-level: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"',
    ]);
  });

  it.each([
    ['PROVML_WRITE_ORIGINS', '*'],
    ['PROVML_WRITE_ORIGINS', 'localhost:5173'],
    ['PROVML_ALLOWED_HOSTS', 'provml:7070'],
    ['PROVML_ALLOWED_HOSTS', 'http://provml'],
    ['PROVML_ALLOWED_HOSTS', 'a b'],
  ])('refuses %s=%j, saying what is expected', (name, value) => {
    const [problem] = problemsOf(() => loadConfig({ env: { [name]: value } }));
    expect(problem).toMatch(new RegExp(`^${name}: expected .*(origins|host names)`));
  });

  it.each(['0', '-1', '12 parsecs', '3GiB', '1.5M'])('refuses PROVML_MAX_BODY=%j', (value) => {
    expect(problemsOf(() => loadConfig({ env: { PROVML_MAX_BODY: value } }))).toEqual([
      `PROVML_MAX_BODY: expected a size in bytes, optionally with a unit (65536, 512KiB, 64MiB, 1GiB), got ${JSON.stringify(value)}`,
    ]);
  });

  it('configures an external SPARQL engine, requiring its endpoints', () => {
    const env = {
      PROVML_STORE: 'sparql',
      PROVML_SPARQL_QUERY_URL: 'http://127.0.0.1:8890/sparql',
      PROVML_SPARQL_UPDATE_URL: 'http://127.0.0.1:8890/sparql-auth',
      PROVML_SPARQL_USER: 'provml',
      PROVML_SPARQL_PASSWORD: 'pw',
    };
    expect(loadConfig({ env })).toMatchObject({
      store: 'sparql',
      sparqlQueryUrl: 'http://127.0.0.1:8890/sparql',
      sparqlUpdateUrl: 'http://127.0.0.1:8890/sparql-auth',
      sparqlUser: 'provml',
    });
    expect(
      problemsOf(() => loadConfig({ env: { PROVML_STORE: 'sparql', PROVML_SPARQL_QUERY_URL: 'ftp://x' } })),
    ).toEqual([
      'PROVML_SPARQL_QUERY_URL: expected an http(s) URL such as http://127.0.0.1:8890/sparql, got "ftp://x"',
      "PROVML_STORE=sparql needs PROVML_SPARQL_QUERY_URL (the engine's endpoint)",
      "PROVML_STORE=sparql needs PROVML_SPARQL_UPDATE_URL (the engine's endpoint)",
    ]);
    expect(problemsOf(() => loadConfig({ env: { PROVML_STORE: 'virtuoso' } }))).toEqual([
      `PROVML_STORE: expected 'embedded' or 'sparql', got "virtuoso"`,
    ]);
  });

  it('names the file and its unknown keys', () => {
    const bad = join(FIXTURES, 'bad.json');
    const problems = problemsOf(() => loadConfig({ file: bad }));
    expect(problems).toEqual([
      expect.stringMatching(/^config file .*bad\.json: unknown key "colour" \(known keys: port, host/),
      `config file ${bad}: port: expected a port number from 0 to 65535 (0 picks a free port), got "eighty"`,
    ]);
  });

  it('reports a missing or unreadable file', () => {
    const problems = problemsOf(() => loadConfig({ file: join(FIXTURES, 'missing.json') }));
    expect(problems[0]).toMatch(/missing\.json: cannot read it as JSON/);
  });

  it('puts all problems in one line of the error message', () => {
    expect(() => loadConfig({ env: { PROVML_PORT: 'x', PROVML_HOST: ' ' } })).toThrow(
      /^Invalid configuration: PROVML_PORT: .*; PROVML_HOST: /,
    );
  });
});
