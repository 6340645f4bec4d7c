import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDurableStore } from '../../src/store/index.ts';
import { quadsOf, tempDir } from '../store/durable/helpers.ts';

const BIN = resolve(import.meta.dirname, '../../src/cli/provml.js');

async function provml(...args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, [BIN, ...args], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, PROVML_LOG_LEVEL: 'silent', PROVML_STORE: 'embedded' },
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const [code] = (await once(child, 'exit')) as [number | null];
  return { code, stderr };
}

describe('provml recover', () => {
  it('says what is missing and how to proceed, and with --accept-loss makes the directory whole', async () => {
    const dir = tempDir();
    const store = await openDurableStore({ dir });
    await store.insert(quadsOf(1));
    await store.close(); // everything is now in one snapshot, listed in MANIFEST

    const intact = await provml('recover', '--data', dir);
    expect(intact.code).toBe(0);
    expect(intact.stderr).toMatch(/quads, intact/);

    // A snapshot deleted: the data it held is gone, which must be said, not served as less data.
    const snapshot = readdirSync(dir).find((name) => name.startsWith('snapshot-')) as string;
    rmSync(join(dir, snapshot));
    const refused = await provml('recover', '--data', dir);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/listed in .*MANIFEST is missing.*provml recover --data .* --accept-loss/);
    const serve = await provml('serve', '--port', '0', '--data', dir);
    expect(serve.code).not.toBe(0);
    expect(serve.stderr).toMatch(/MANIFEST is missing/);

    const recovered = await provml('recover', '--data', dir, '--accept-loss');
    expect(recovered.code).toBe(0);
    expect(recovered.stderr).toMatch(/0 quads, recovered/);
    expect((await provml('recover', '--data', dir)).code).toBe(0);
  });
});
