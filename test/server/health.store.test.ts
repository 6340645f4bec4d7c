import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { MemoryStore, type StoreStats } from '../../src/store/index.ts';
import { appOver, seededApp, testConfig } from './fixture.ts';

/** A store whose statistics are held back until released, as while a long query occupies the worker. */
class BusyStore extends MemoryStore {
  held = false;
  private readonly waiting: Array<() => void> = [];
  override async stats(): Promise<StoreStats> {
    if (this.held) await new Promise<void>((resolve) => this.waiting.push(resolve));
    return super.stats();
  }
  release(): void {
    this.held = false;
    for (const resolve of this.waiting.splice(0)) resolve();
  }
}

describe('GET /health', () => {
  it('reports the store statistics as JSON', async () => {
    const { app } = await seededApp();
    const res = await request(app).get('/health');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.body).toEqual({ status: 'ok', quads: 3, graphs: 2, readOnly: false });
  });

  it('answers with the last known statistics while the store is busy', async () => {
    const store = new BusyStore();
    await store.open();
    await store.update('INSERT DATA { <http://e/s> <http://e/p> 1 }');
    const app = appOver(store, testConfig());
    expect((await request(app).get('/health')).body.status).toBe('ok');
    store.held = true;
    const busy = await request(app).get('/health');
    expect(busy.status).toBe(200);
    expect(busy.body).toEqual({ status: 'busy', quads: 1, graphs: 0, readOnly: false });
    store.release();
  });

  it('answers 503 when the store is closed', async () => {
    const { app, store } = await seededApp();
    await store.close();
    const res = await request(app).get('/health');
    expect(res.status).toBe(503);
    expect(res.body.status).toBe('unavailable');
  });

  it('answers 405 to POST', async () => {
    const { app } = await seededApp();
    expect((await request(app).post('/health')).status).toBe(405);
  });
});
