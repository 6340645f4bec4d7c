import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkWriteAccess,
  exposureWarning,
  isLoopbackAddress,
  type WriteRequest,
} from '../../src/server/auth.ts';
import { askBoolean } from '../../src/store/index.ts';
import { EX, G1, seededApp } from './fixture.ts';

const UPDATE = `INSERT DATA { <${EX}w> <${EX}p> "written" }`;

describe('isLoopbackAddress', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['::1', true],
    ['::ffff:127.0.0.1', true],
    ['10.0.0.1', false],
    ['192.168.1.20', false],
    ['::ffff:10.0.0.1', false],
    ['fe80::1', false],
    ['1270.0.0.1', false],
    [undefined, false],
  ])('%s → %s', (address, expected) => {
    expect(isLoopbackAddress(address)).toBe(expected);
  });
});

describe('checkWriteAccess', () => {
  const req = (remoteAddress: string, headers: Record<string, string> = {}): WriteRequest => ({
    headers,
    socket: { remoteAddress },
  });
  const TOKEN = 's3cret-token';

  it.each([
    ['no token, loopback peer', undefined, req('127.0.0.1'), undefined],
    ['no token, IPv6 loopback peer', undefined, req('::1'), undefined],
    ['no token, remote peer', undefined, req('10.1.2.3'), 'Forbidden'],
    [
      'no token, loopback peer behind a proxy',
      undefined,
      req('127.0.0.1', { 'x-forwarded-for': '10.1.2.3' }),
      'Forbidden',
    ],
    ['no token, Forwarded header', undefined, req('127.0.0.1', { forwarded: 'for=10.1.2.3' }), 'Forbidden'],
    ['token, no Authorization', TOKEN, req('127.0.0.1'), 'Unauthorized'],
    [
      'token, Basic credentials',
      TOKEN,
      req('127.0.0.1', { authorization: 'Basic czNjcmV0' }),
      'Unauthorized',
    ],
    ['token, wrong bearer', TOKEN, req('127.0.0.1', { authorization: 'Bearer nope' }), 'Forbidden'],
    [
      'token, bearer with a prefix of the token',
      TOKEN,
      req('127.0.0.1', { authorization: 'Bearer s3cret' }),
      'Forbidden',
    ],
    [
      'token, right bearer from a remote peer',
      TOKEN,
      req('10.1.2.3', { authorization: `Bearer ${TOKEN}` }),
      undefined,
    ],
    ['token, lower-case scheme', TOKEN, req('10.1.2.3', { authorization: `bearer ${TOKEN}` }), undefined],
  ])('%s', (_case, token, request, status) => {
    const check = (): void => checkWriteAccess({ token }, request);
    if (status === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(expect.objectContaining({ code: status }));
  });

  it.each([
    ['an Origin', { origin: 'http://evil.example' }, [], 'Forbidden'],
    ['Origin: null', { origin: 'null' }, ['null'], 'Forbidden'],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }, [], 'Forbidden'],
    [
      'Sec-Fetch-Site: same-origin',
      { 'sec-fetch-site': 'same-origin', host: '127.0.0.1:7070' },
      [],
      'Forbidden',
    ],
    ['Sec-Fetch-Site: none (a URL the user typed)', { 'sec-fetch-site': 'none' }, [], undefined],
    ['Sec-Fetch-Mode only (Node fetch)', { 'sec-fetch-mode': 'cors' }, [], undefined],
    ['a listed Origin', { origin: 'http://localhost:5173' }, ['http://localhost:5173'], undefined],
    [
      'a listed Origin spelled with a default port',
      { origin: 'https://lab.example:443' },
      ['https://lab.example'],
      undefined,
    ],
    [
      'the own origin when listed',
      { 'sec-fetch-site': 'same-origin', host: '127.0.0.1:7070' },
      ['http://127.0.0.1:7070'],
      undefined,
    ],
  ])('from a loopback page with %s', (_case, headers, writeOrigins, status) => {
    const check = (): void => checkWriteAccess({ writeOrigins }, req('127.0.0.1', headers));
    if (status === undefined) expect(check).not.toThrow();
    else expect(check).toThrow(expect.objectContaining({ code: status }));
  });

  it('tells a remote writer to configure PROVML_TOKEN', () => {
    expect(() => checkWriteAccess({}, req('10.1.2.3'))).toThrow(/PROVML_TOKEN/);
  });
});

describe('exposureWarning', () => {
  it.each([
    ['127.0.0.1', undefined, false],
    ['::1', undefined, false],
    ['localhost', undefined, false],
    ['0.0.0.0', 'tok', false],
    ['0.0.0.0', undefined, true],
    ['192.168.1.20', undefined, true],
  ])('listening on %s with token %s warns: %s', (host, token, warns) => {
    const warning = exposureWarning({ host, token });
    expect(warning !== undefined).toBe(warns);
    if (warning) expect(warning).toMatch(/PROVML_TOKEN/);
  });
});

describe('write access over HTTP with a token', () => {
  const TOKEN = 'tok-123';

  it.each([
    [
      'SPARQL update',
      (app: Parameters<typeof request>[0]) =>
        request(app).post('/sparql').type('application/sparql-update').send(UPDATE),
    ],
    [
      'SPARQL form update',
      (app: Parameters<typeof request>[0]) =>
        request(app)
          .post('/sparql')
          .type('application/x-www-form-urlencoded')
          .send(`update=${encodeURIComponent(UPDATE)}`),
    ],
    [
      'Graph Store PUT',
      (app: Parameters<typeof request>[0]) =>
        request(app)
          .put(`/store?graph=${encodeURIComponent(G1)}`)
          .type('text/turtle')
          .send(`<${EX}w> <${EX}p> "written" .`),
    ],
    [
      'Graph Store POST',
      (app: Parameters<typeof request>[0]) =>
        request(app)
          .post(`/store?graph=${encodeURIComponent(G1)}`)
          .type('text/turtle')
          .send(`<${EX}w> <${EX}p> "written" .`),
    ],
  ])('%s: 401 without, 403 with a wrong, success with the right token', async (_case, send) => {
    const { app, store } = await seededApp({ token: TOKEN });
    const missing = await send(app);
    expect(missing.status).toBe(401);
    expect(missing.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(missing.text).toMatch(/Authorization: Bearer/);
    expect((await send(app).set('Authorization', 'Bearer wrong')).status).toBe(403);
    expect(await askBoolean(store, `ASK { GRAPH ?g { <${EX}w> ?p ?o } } `)).toBe(false);
    expect(await askBoolean(store, `ASK { <${EX}w> ?p ?o }`)).toBe(false);
    const ok = await send(app).set('Authorization', `Bearer ${TOKEN}`);
    expect([201, 204]).toContain(ok.status);
  });

  it('Graph Store DELETE needs the token too', async () => {
    const { app } = await seededApp({ token: TOKEN });
    expect((await request(app).delete(`/store?graph=${encodeURIComponent(G1)}`)).status).toBe(401);
    expect(
      (
        await request(app)
          .delete(`/store?graph=${encodeURIComponent(G1)}`)
          .set('Authorization', `Bearer ${TOKEN}`)
      ).status,
    ).toBe(204);
  });

  it('keeps reads open', async () => {
    const { app } = await seededApp({ token: TOKEN });
    expect((await request(app).get('/sparql').query({ query: 'ASK {}' })).status).toBe(200);
    expect((await request(app).get(`/store?graph=${encodeURIComponent(G1)}`)).status).toBe(200);
  });
});

describe('write access over HTTP from a non-loopback peer', () => {
  let server: Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  /** Serves the app as if every client connected from 203.0.113.7 (TEST-NET-3). */
  async function remoteView(
    flags: Parameters<typeof seededApp>[0] = {},
  ): Promise<{ url: string; ask: (q: string) => Promise<boolean> }> {
    const { app, store } = await seededApp(flags);
    server = createServer((req, res) => {
      Object.defineProperty(req.socket, 'remoteAddress', { value: '203.0.113.7', configurable: true });
      app(req, res);
    });
    await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
    return {
      url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      ask: (q) => askBoolean(store, q),
    };
  }

  it('refuses writes without a configured token (403) but answers reads', async () => {
    const { url, ask } = await remoteView();
    const res = await request(url).post('/sparql').type('application/sparql-update').send(UPDATE);
    expect(res.status).toBe(403);
    expect(res.text).toMatch(/PROVML_TOKEN/);
    expect(await ask(`ASK { <${EX}w> ?p ?o }`)).toBe(false);
    expect((await request(url).get('/sparql').query({ query: 'ASK {}' })).status).toBe(200);
  });

  it('accepts writes with the configured token', async () => {
    const { url, ask } = await remoteView({ token: 'remote-ok' });
    const res = await request(url)
      .post('/sparql')
      .type('application/sparql-update')
      .set('Authorization', 'Bearer remote-ok')
      .send(UPDATE);
    expect(res.status).toBe(204);
    expect(await ask(`ASK { <${EX}w> ?p ?o }`)).toBe(true);
  });
});
