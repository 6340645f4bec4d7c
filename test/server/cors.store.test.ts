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
  it('answers a read preflight for any origin by default, without Authorization, PUT or DELETE', async () => {
    const { app } = await seededApp();
    const res = await preflight(app, 'https://editor.example.org');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('content-type');
  });

  it('lets a write origin send Authorization, PUT and DELETE, echoing it even when CORS is off', async () => {
    const { app } = await seededApp({ corsOrigins: 'none', writeOrigins: 'http://localhost:5173' });
    const res = await preflight(app, 'http://localhost:5173');
    expect(res.status).toBe(204);
    expect(res.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(res.headers.vary).toMatch(/Origin/);
    expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD, POST, PUT, DELETE, OPTIONS');
    expect(res.headers['access-control-allow-headers']).toBe('authorization, content-type');
    const other = await preflight(app, 'http://localhost:5174');
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('echoes the origin (not *) once write origins exist, so readers and writers get their own answer', async () => {
    const { app } = await seededApp({ writeOrigins: 'http://localhost:5173' });
    const res = await preflight(app, 'https://editor.example.org');
    expect(res.headers['access-control-allow-origin']).toBe('https://editor.example.org');
    expect(res.headers.vary).toMatch(/Origin/);
    expect(res.headers['access-control-allow-headers']).toBe('content-type');
  });

  it('allows a listed origin to reach a loopback server when Chrome asks (Private Network Access)', async () => {
    const { app } = await seededApp();
    const res = await preflight(app, 'https://editor.example.org').set(
      'Access-Control-Request-Private-Network',
      'true',
    );
    expect(res.headers['access-control-allow-private-network']).toBe('true');
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
