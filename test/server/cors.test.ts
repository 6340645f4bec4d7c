import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { seededApp } from './fixture.ts';

const preflight = (app: Parameters<typeof request>[0], origin: string) =>
  request(app)
    .options('/sparql')
    .set('Origin', origin)
    .set('Access-Control-Request-Method', 'POST')
    .set('Access-Control-Request-Headers', 'authorization, content-type');

describe('CORS', () => {
  it('answers a preflight for any origin by default', async () => {
    const { app } = await seededApp();
    const res = await preflight(app, 'https://editor.example.org');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toMatch(/POST/);
    expect(res.headers['access-control-allow-headers']).toBe('authorization, content-type');
  });

  it('adds the allow-origin header to simple requests', async () => {
    const { app } = await seededApp();
    const res = await request(app)
      .get('/sparql')
      .query({ query: 'ASK {}' })
      .set('Origin', 'https://a.example');
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-expose-headers']).toMatch(/WWW-Authenticate/);
  });

  it('echoes a listed origin and varies on Origin', async () => {
    const { app } = await seededApp({ corsOrigins: 'https://a.example, https://b.example:8443' });
    const res = await preflight(app, 'https://b.example:8443');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('https://b.example:8443');
    expect(res.headers.vary).toMatch(/Origin/);
  });

  it('gives no CORS headers to an unlisted origin', async () => {
    const { app } = await seededApp({ corsOrigins: 'https://a.example' });
    const res = await preflight(app, 'https://evil.example');
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
    expect(res.headers.allow).toBe('GET, HEAD, POST, OPTIONS');
  });

  it('is off with corsOrigins none', async () => {
    const { app } = await seededApp({ corsOrigins: 'none' });
    const res = await request(app).get('/health').set('Origin', 'https://a.example');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });
});
