// The 202 of POST /api/v1/events comes once the batch is durable, before the online state is refreshed for it. A
// server killed with SIGKILL right after the 202 must still show, once started again, the state that batch makes:
// the pending markers written with it name what the refresh owed, and reads wait for that refresh.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDurableStore, selectRows } from '../../src/store/index.ts';
import { ONLINE_STATE_GRAPH, STATE_NS } from '../../src/vocab.ts';
import { startServeProcess } from '../support/serve-process.ts';
import { trainingRun } from '../support/training-run.ts';

const { id: ID, events, state: EXPECTED } = trainingRun('kill-state', 'k', 3);

const STATE_QUERY = `SELECT ?s ?p ?o WHERE { GRAPH <${ONLINE_STATE_GRAPH}> { ?s ?p ?o } }`;

const serve = (dir: string) =>
  startServeProcess(['--port', '0', '--data', dir], {
    env: { ...process.env, PROVML_LOG_LEVEL: 'warn', PROVML_TOKEN: '' },
  });

async function stateGraph(url: string): Promise<string[]> {
  const response = await fetch(`${url}/sparql`, {
    method: 'POST',
    headers: { 'content-type': 'application/sparql-query', accept: 'application/sparql-results+json' },
    body: STATE_QUERY,
  });
  expect(response.status).toBe(200);
  const json = (await response.json()) as {
    results: { bindings: Array<Record<'s' | 'p' | 'o', { value: string }>> };
  };
  return json.results.bindings.map((b) => `${b.s.value} ${b.p.value} ${b.o.value}`).sort();
}

describe('POST /api/v1/events and SIGKILL', () => {
  it('a batch acknowledged just before a kill -9 has its online state after the restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'provml-events-kill-'));
    try {
      const first = await serve(dir);
      const response = await fetch(`${first.url}/api/v1/events`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(events),
      });
      expect(response.status).toBe(202);
      await first.stop('SIGKILL');
      // What the kill left on disk: the state the batch makes, or pending markers naming its keys (when the kill
      // came before the refresh was written), never neither.
      const left = await openDurableStore({ dir });
      const raw = (await selectRows(left, STATE_QUERY)).rows.map(
        (row) => `${row.s?.value} ${row.p?.value} ${row.o?.value}`,
      );
      await left.close();
      const owed = raw.filter((triple) => triple.includes(`${STATE_NS}pendingKey`));
      if (owed.length === 0) expect(raw.sort()).toEqual(EXPECTED);
      else expect(owed.some((triple) => triple.endsWith(`${ID}/evaluation/e3`))).toBe(true);
      const second = await serve(dir);
      try {
        expect(await stateGraph(second.url)).toEqual(EXPECTED);
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
