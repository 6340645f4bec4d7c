import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ID, lifecycleStore } from '../query/support/lifecycle.ts';
import { runCli } from '../support/run-cli.ts';
import { type InProcessServer, startInProcessServer } from './in-process-server.ts';

let server: InProcessServer;
beforeAll(async () => {
  server = await startInProcessServer();
  await lifecycleStore(server.store);
});
afterAll(async () => server?.close());

describe('provml export --model IRI -f svg', () => {
  it("writes the model's lineage picture as a standalone SVG file", async () => {
    const file = join(await mkdtemp(join(tmpdir(), 'provml-svg-')), 'lineage.svg');
    const run = await runCli(
      'export',
      '--model',
      `${ID}data/unet-a`,
      '-f',
      'svg',
      '-o',
      file,
      '--url',
      server.url,
    );
    expect(run.code).toBe(0);
    const svg = await readFile(file, 'utf8');
    expect(svg).toMatch(/<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    expect(svg).toContain(`data-id="${ID}data/f3-cube"`);
  });

  it('refuses -f svg for a graph or an experiment, with a one-line reason', async () => {
    const run = await runCli(
      'export',
      '--graph',
      `https://w3id.org/provml/graph/wfexec/train-1`,
      '-f',
      'svg',
      '--url',
      server.url,
    );
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--model/);
  });
});
