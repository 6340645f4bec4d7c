import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PageChannel } from '../../../src/store/durable/page-channel.ts';
import { tempDir } from './helpers.ts';

// The channel stores a dump's pages as they come (memory, then a spool file) and hands them out in
// order; it asks for the next page once one is stored, never once one is read.

function channel(spoolDir: string, memoryPages = 2) {
  const events: string[] = [];
  const pages = new PageChannel({
    memoryPages,
    spoolDir,
    onStored: () => events.push('stored'),
    onFailed: () => events.push('failed'),
  });
  return { pages, events };
}

async function readAll(pages: PageChannel): Promise<string[]> {
  const out: string[] = [];
  for (let page = await pages.next(); page !== undefined; page = await pages.next()) out.push(page);
  return out;
}

const spools = (dir: string): string[] => readdirSync(dir).filter((name) => name.endsWith('.spool.tmp'));

describe('dump page channel', () => {
  it('hands out pages in order while they move between memory and the spool, and removes the spool', async () => {
    const dir = tempDir();
    const { pages, events } = channel(dir);
    const sent = Array.from({ length: 9 }, (_, i) => `page ${i} é ${'x'.repeat(i * 1000)}\n`);
    const read: string[] = [];
    // Two fit in memory, the next three are spooled; reading drains memory, then the spool.
    for (const page of sent.slice(0, 5)) pages.push(page);
    for (let i = 0; i < 3; i++) read.push((await pages.next()) as string);
    expect(spools(dir)).toHaveLength(1);
    // The spool still holds unread pages: a page now must follow them, not jump ahead into memory.
    pages.push(sent[5] as string);
    for (let i = 0; i < 3; i++) read.push((await pages.next()) as string);
    // Spool drained: the next pages are held in memory again.
    for (const page of sent.slice(6)) pages.push(page);
    pages.end();
    read.push(...(await readAll(pages)));
    expect(read).toEqual(sent);
    expect(events).toEqual(Array(9).fill('stored'));
    await pages.dispose();
    expect(spools(dir)).toEqual([]);
  });

  it('a page that cannot be spooled is an error to the reader after the pages before it, never a gap', async () => {
    const { pages, events } = channel(join(tempDir(), 'missing'), 1);
    for (const page of ['a', 'b', 'c']) pages.push(page);
    pages.end();
    expect(await pages.next()).toBe('a');
    await expect(pages.next()).rejects.toThrow(/could not be spooled/);
    await expect(pages.next()).rejects.toThrow(/could not be spooled/);
    expect(events).toEqual(['stored', 'failed']);
    await pages.dispose();
  });

  it('the producer failing is an error after every page stored before it', async () => {
    const dir = tempDir();
    const { pages } = channel(dir, 1);
    for (const page of ['a', 'b', 'c']) pages.push(page);
    pages.end(new Error('engine failed'));
    const read: string[] = [];
    await expect(
      (async () => {
        for (let page = await pages.next(); page !== undefined; page = await pages.next()) read.push(page);
      })(),
    ).rejects.toThrow('engine failed');
    expect(read).toEqual(['a', 'b', 'c']);
    await pages.dispose();
    expect(spools(dir)).toEqual([]);
  });

  it('aborting gives the reader the error at once, drops what is stored and removes the spool', async () => {
    const dir = tempDir();
    const { pages } = channel(dir, 1);
    for (const page of ['a', 'b', 'c']) pages.push(page);
    expect(await pages.next()).toBe('a');
    const waiting = expect(pages.next()).rejects.toThrow('closed');
    await pages.abort(new Error('closed'));
    await waiting;
    await expect(pages.next()).rejects.toThrow('closed');
    expect(spools(dir)).toEqual([]);
  });
});
