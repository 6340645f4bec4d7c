import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The package as a user gets it: `npm pack`, unpacked into a fresh project's node_modules, imported by plain
// Node (no tsx). The client-only project has no other package installed, so an import of the client that
// reached for express, Oxigraph or ajv would fail there.
const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
/** The machine's own Node, where it is not the project's pinned one (the client must run on Node >= 20). */
const SYSTEM_NODE = ['/usr/bin/node', '/usr/local/bin/node'].find(
  (path) => existsSync(path) && resolve(path) !== resolve(process.execPath),
);

let work = '';
let clientProject = '';
let serverProject = '';

async function unpackInto(project: string, tarball: string): Promise<void> {
  const target = join(project, 'node_modules', 'provml');
  mkdirSync(target, { recursive: true });
  await run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'provml-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout) as { filename: string }[];
  const tarball = join(work, packed!.filename);
  clientProject = join(work, 'client-project');
  serverProject = join(work, 'server-project');
  await unpackInto(clientProject, tarball);
  await unpackInto(serverProject, tarball);
  // The server project gets provml's runtime dependencies from this checkout instead of the registry.
  for (const name of Object.keys(PACKAGE.dependencies)) {
    const link = join(serverProject, 'node_modules', name);
    mkdirSync(join(link, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', name), link, 'dir');
  }
}, 180_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

async function nodeEval(node: string, cwd: string, code: string): Promise<string> {
  const { stdout } = await run(node, ['--input-type=module', '-e', code], {
    cwd,
    env: { PATH: process.env.PATH },
  });
  return stdout.trim();
}

const CLIENT_CHECK = `
const { createRecorder } = await import('provml/client');
const root = await import('provml');
const { mkdtempSync, readFileSync } = await import('node:fs');
const { join } = await import('node:path');
const file = join(mkdtempSync(join((await import('node:os')).tmpdir(), 'rec-')), 'run.ndjson');
const rec = createRecorder({ file });
rec.workflowStarted({ name: 'packed' });
rec.workflowEnded();
await rec.close();
const lines = readFileSync(file, 'utf8').trim().split('\\n').map((line) => JSON.parse(line).type);
console.log(JSON.stringify({ same: root.createRecorder === createRecorder, lines }));
`;

describe('the packed package', () => {
  it('ships built JavaScript with declarations, the ontology and the catalog, and no TypeScript sources', async () => {
    const unpacked = join(clientProject, 'node_modules', 'provml');
    expect(existsSync(join(unpacked, 'dist/client/index.js'))).toBe(true);
    expect(existsSync(join(unpacked, 'dist/client/index.d.ts'))).toBe(true);
    expect(existsSync(join(unpacked, 'dist/ontology/rules'))).toBe(true);
    expect(existsSync(join(unpacked, 'ontology/prov-ml.ttl'))).toBe(true);
    expect((await readdir(join(unpacked, 'queries'))).some((file) => file.endsWith('.rq'))).toBe(true);
    expect(existsSync(join(unpacked, 'src'))).toBe(false);
  });

  it('provml/client imports and records in a project that has nothing else installed', async () => {
    const out = JSON.parse(await nodeEval(process.execPath, clientProject, CLIENT_CHECK));
    expect(out).toEqual({ same: true, lines: ['workflow.started', 'workflow.ended'] });
  });

  it.runIf(SYSTEM_NODE !== undefined)(
    'provml/client runs on the machine’s own (older) Node too',
    async () => {
      const out = JSON.parse(await nodeEval(SYSTEM_NODE!, clientProject, CLIENT_CHECK));
      expect(out.lines).toEqual(['workflow.started', 'workflow.ended']);
    },
  );

  it('provml/server and the provml command run without tsx', async () => {
    const out = await nodeEval(
      process.execPath,
      serverProject,
      "const m = await import('provml/server'); console.log([typeof m.createApp, typeof m.startServer].join(','));",
    );
    expect(out).toBe('function,function');
    const bin = join(serverProject, 'node_modules/provml/dist/cli/bin.js');
    const { stdout } = await run(process.execPath, [bin, '--version'], { cwd: serverProject });
    expect(stdout.trim()).toBe(PACKAGE.version);
    const help = await run(process.execPath, [bin, 'serve', '--help'], { cwd: serverProject });
    expect(help.stdout).toMatch(/--port/);
  });
});
