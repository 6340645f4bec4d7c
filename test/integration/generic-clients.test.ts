import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { startServer } from '../../src/index.ts';
import { silentLogger } from '../../src/logger.ts';

// Generic clients that assume the standard protocol (Debian's python3-rdflib and python3-sparqlwrapper),
// unmodified, against a real server on 127.0.0.1.

const root = mkdtempSync(join(tmpdir(), 'provml-clients-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const script = fileURLToPath(new URL('./python/generic-clients.py', import.meta.url));

describe('generic SPARQL clients', () => {
  it('rdflib SPARQLUpdateStore writes and SPARQLWrapper reads and deletes', async () => {
    const config = loadConfig({ flags: { port: 0, dataDir: join(root, 'data'), logLevel: 'silent' } });
    const running = await startServer(config, silentLogger(), { handleSignals: false });
    try {
      const { stdout } = await promisify(execFile)('/usr/bin/python3', [script, `${running.url}/sparql`]);
      expect(JSON.parse(stdout)).toEqual({
        rdflib: ['from rdflib'],
        sparqlwrapper: ['from rdflib'],
        left: false,
      });
    } finally {
      await running.close();
    }
  });
});
