import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PageChannel } from '../../../src/store/durable/page-channel.ts';
import { SpoolBudget } from '../../../src/store/durable/spool-budget.ts';
import { tempDir } from './helpers.ts';

// The channel stores a dump's pages as they come (memory, then a spool file) and hands them out in
// order; it asks for the next page once one is stored, never once one is read.

function channel(spoolDir: string, memoryPages = 2, budget?: SpoolBudget) {
  const events: string[] = [];
  const pages = new PageChannel({
    memoryPages,
    spoolDir,
    ...(budget ? { budget } : {}),
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

  it('shares one spool budget between dumps: the page past it ends that dump, and read or dropped pages give it back', async () => {
    const dir = tempDir();
    const budget = new SpoolBudget(25);
    const first = channel(dir, 0, budget);
    const second = channel(dir, 0, budget);
    // 10 bytes each: the first dump spools two (20 bytes), the second one more would pass 25.
    for (const page of ['0123456789', 'abcdefghij']) first.pages.push(page);
    await until(() => first.events.length === 2);
    expect(budget.heldBytes).toBe(20);
    for (const page of ['ABCDEFGHIJ', 'KLMNOPQRST']) second.pages.push(page);
    second.pages.end();
    await expect(second.pages.next()).rejects.toThrow(/PROVML_MAX_SPOOL_BYTES/);
    expect(second.events).toEqual(['failed']);
    expect(budget.heldBytes).toBe(20);
    // Reading gives the bytes back: the first dump goes on spooling.
    expect(await first.pages.next()).toBe('0123456789');
    expect(budget.heldBytes).toBe(10);
    first.pages.push('klmnopqrst');
    first.pages.end();
    expect(await readAll(first.pages)).toEqual(['abcdefghij', 'klmnopqrst']);
    expect(budget.heldBytes).toBe(0);
    // A dump given up with unread pages gives them back too.
    const third = channel(dir, 0, budget);
    for (const page of ['0123456789', 'abcdefghij']) third.pages.push(page);
    await until(() => third.events.length === 2);
    await third.pages.dispose();
    await first.pages.dispose();
    await second.pages.dispose();
    expect(budget.heldBytes).toBe(0);
    expect(spools(dir)).toEqual([]);
  });
});

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}
