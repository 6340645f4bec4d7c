import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EXIT_CODES } from '../../src/cli/exit-codes.ts';
import { DEFAULT_ONTOLOGY_DIR, ONTOLOGY_FILE } from '../../src/ontology/index.ts';
import { runCli } from '../support/run-cli.ts';

const SHAPES_FIXTURES = join(import.meta.dirname, '../fixtures/shapes');
let dir: string;
let shipped: string;

/** Runs `provml …` in process; returns the exit code and what it printed. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const { code, stdout, stderr } = await runCli(...argv);
  return { code, out: stdout, err: stderr };
}

/** A copy of prov-ml.ttl with one edit, which must change the file. */
async function brokenCopy(name: string, from: string, to: string): Promise<string> {
  const text = shipped.replace(from, to);
  expect(text).not.toBe(shipped);
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'provml-validate-'));
  shipped = await readFile(join(DEFAULT_ONTOLOGY_DIR, ONTOLOGY_FILE), 'utf8');
});
afterEach(() => {
  process.exitCode = 0;
});

describe('provml validate ontology', () => {
  it('prints a clean report and exits 0 on the shipped ontology', async () => {
    const { code, out } = await run('validate', 'ontology');
    expect(code).toBe(0);
    expect(out).toMatch(/10 rules, no violations/);
  });

  it('exits non-zero when a superclass is removed, naming the term and the rule', async () => {
    const file = await brokenCopy(
      'no-superclass.ttl',
      'provml:Workflow a owl:Class ;\n    rdfs:subClassOf prov:Plan ;',
      'provml:Workflow a owl:Class ;',
    );
    const { code, out } = await run('validate', 'ontology', file);
    expect(code).toBe(1);
    expect(out).toMatch(/class-reaches-prov\s+provml:Workflow\s/);
  });

  it('exits non-zero on a misspelled PROV term, naming the term and the rule', async () => {
    const file = await brokenCopy(
      'typo.ttl',
      'rdfs:subPropertyOf prov:wasGeneratedBy ;',
      'rdfs:subPropertyOf prov:wasGenratedBy ;',
    );
    const { code, out } = await run('validate', 'ontology', file);
    expect(code).toBe(1);
    expect(out).toMatch(/term-defined\s+prov:wasGenratedBy\s/);
  });

  it('prints the report as JSON with --json, and honours --namespace', async () => {
    const file = await brokenCopy(
      'typo-json.ttl',
      'rdfs:subClassOf prov:Activity ;',
      'rdfs:subClassOf prov:Activty ;',
    );
    const { code, out } = await run(
      'validate',
      'ontology',
      file,
      '--json',
      '--namespace',
      'https://w3id.org/provml#',
    );
    expect(code).toBe(1);
    const report = JSON.parse(out);
    expect(report.namespaces).toEqual(['https://w3id.org/provml#']);
    expect(report.violations).toContainEqual(
      expect.objectContaining({ rule: 'term-defined', term: 'http://www.w3.org/ns/prov#Activty' }),
    );
  });

  it('fails with a one-line reason on a file it cannot read', async () => {
    const { code, err } = await run('validate', 'ontology', join(dir, 'absent.ttl'));
    expect(code).toBe(EXIT_CODES.BadRequest);
    expect(err).toMatch(/^provml: File not found: .*absent\.ttl\n$/);
  });
});

describe('provml validate data', () => {
  it('exits 0 on valid data and 1 on data with violations', async () => {
    const valid = await run('validate', 'data', join(SHAPES_FIXTURES, 'valid-lifecycle.ttl'));
    expect(valid.code).toBe(0);
    expect(valid.out).toMatch(/conforms/);
    const invalid = await run('validate', 'data', join(SHAPES_FIXTURES, 'invalid-lifecycle.ttl'));
    expect(invalid.code).toBe(1);
    expect(invalid.out).toMatch(/Violation\s+https:\/\/w3id\.org\/provml\/id\/test\/orphanValidation\s/);
    expect(invalid.out).toMatch(/8 violation\(s\), 0 warning\(s\)/);
  });

  it('reads the format from --format when the extension does not tell', async () => {
    const file = join(dir, 'data.txt');
    await writeFile(file, await readFile(join(SHAPES_FIXTURES, 'invalid-lifecycle.ttl'), 'utf8'));
    expect((await run('validate', 'data', file)).code).toBe(EXIT_CODES.BadRequest);
    const { code, out } = await run('validate', 'data', file, '--format', 'turtle', '--json');
    expect(code).toBe(1);
    expect(JSON.parse(out).violations).toBe(8);
  });

  describe('--graph from a running server', () => {
    let server: Server;
    let url: string;
    const requests: string[] = [];

    beforeAll(async () => {
      const body = await readFile(join(SHAPES_FIXTURES, 'invalid-lifecycle.ttl'), 'utf8');
      server = createServer((req, res) => {
        requests.push(req.url ?? '');
        const graph = new URL(req.url ?? '', 'http://x').searchParams.get('graph');
        if (graph !== 'https://w3id.org/provml/graph/run-1') {
          res.writeHead(404).end('no such graph');
          return;
        }
        res.writeHead(200, { 'content-type': 'text/turtle; charset=utf-8' }).end(body);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('fetches the graph through the Graph Store protocol and validates it', async () => {
      const { code, out } = await run(
        'validate',
        'data',
        '--graph',
        'https://w3id.org/provml/graph/run-1',
        '--url',
        url,
        '--json',
      );
      expect(code).toBe(1);
      expect(JSON.parse(out).violations).toBe(8);
      expect(requests.at(-1)).toBe(
        `/store?graph=${encodeURIComponent('https://w3id.org/provml/graph/run-1')}`,
      );
    });

    it('says so when the server has no such graph', async () => {
      const { code, err } = await run(
        'validate',
        'data',
        '--graph',
        'https://w3id.org/provml/graph/none',
        '--url',
        url,
      );
      expect(code).toBe(EXIT_CODES.NotFound);
      expect(err).toMatch(/has no graph https:\/\/w3id\.org\/provml\/graph\/none/);
    });
  });
});
