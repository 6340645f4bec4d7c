// Generic SPARQL clients, unmodified, against a provml server on 127.0.0.1: SPARQLWrapper and rdflib's
// SPARQLStore / SPARQLUpdateStore (Debian's python3-sparqlwrapper, python3-rdflib). Comunica: test/query.
import { execFile, execFileSync } from 'node:child_process';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { askBoolean } from '../../src/store/index.ts';
import { appOver, EX, seededApp } from './fixture.ts';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./clients/generic_clients.py', import.meta.url));

function pythonClientsMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import SPARQLWrapper, rdflib'], { stdio: 'pipe' });
    return undefined;
  } catch (error) {
    return `${PYTHON} cannot import SPARQLWrapper and rdflib (apt install python3-sparqlwrapper python3-rdflib): ${(error as Error).message}`;
  }
}

const missing = pythonClientsMissing();
// On CI the clients are part of the required environment: missing modules fail the suite instead of skipping it.
const available = missing === undefined || process.env.CI === 'true';

describe.runIf(available).each([true, false])(
  'SPARQLWrapper and rdflib against /sparql, union default graph %s',
  (union) => {
    let server: Server;
    let base: string;
    let store: Awaited<ReturnType<typeof seededApp>>['store'];

    beforeAll(async () => {
      const seeded = await seededApp({ unionDefaultGraph: union });
      store = seeded.store;
      server = appOver(seeded.store, seeded.config).listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      server?.closeAllConnections();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('query, update, construct and graph access all work', async () => {
      if (missing) throw new Error(missing);
      const output = await new Promise<string>((resolve, reject) =>
        execFile(PYTHON, [SCRIPT, base], { timeout: 120_000 }, (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
        ),
      );
      expect(JSON.parse(output)).toEqual({
        wrapper_select_get: ['in g1'],
        wrapper_select_form: ['in g1'],
        wrapper_select_direct: ['in g1'],
        wrapper_update: 204,
        wrapper_ask: true,
        wrapper_construct: ['from SPARQLWrapper'],
        rdflib_objects: ['from rdflib'],
        rdflib_len_after_remove: 1,
        rdflib_query: ['from rdflib'],
      });
      const graph = `${EX}clients`;
      expect(await askBoolean(store, `ASK { GRAPH <${graph}> { <${EX}r> <${EX}p> "from rdflib" } }`)).toBe(
        true,
      );
      expect(await askBoolean(store, `ASK { GRAPH <${graph}> { <${EX}w> ?p ?o } }`)).toBe(false);
    });
  },
);
