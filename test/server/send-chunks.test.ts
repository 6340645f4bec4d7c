import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { sendChunks } from '../../src/server/send-chunks.ts';

// A body comes as pieces, streamed chunked; with onePieceWhole (query answers) one piece (what the embedded
// engines give) goes with its length like any string express sends. A source that fails at once is still an
// error response.

function appSending(pieces: () => AsyncIterable<string>, onePieceWhole = true) {
  const app = express();
  app.get('/', async (req, res) => {
    try {
      await sendChunks(req, res, pieces(), 'text/plain; charset=utf-8', { onePieceWhole });
    } catch (error) {
      res.status(500).send(`failed: ${(error as Error).message}`);
    }
  });
  return app;
}

async function* from(...pieces: string[]): AsyncGenerator<string> {
  yield* pieces;
}

describe('sendChunks', () => {
  it('sends one piece whole, with its length', async () => {
    const res = await request(appSending(() => from('one answer'))).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toBe('one answer');
    expect(res.headers['content-length']).toBe('10');
    expect(res.headers['transfer-encoding']).toBeUndefined();
  });

  it('sends an empty body for no piece', async () => {
    const res = await request(appSending(() => from())).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toBe('');
    expect(res.headers['content-length']).toBe('0');
  });

  it('streams one piece chunked unless asked to send it whole', async () => {
    const res = await request(appSending(() => from('a dump page'), false)).get('/');
    expect(res.text).toBe('a dump page');
    expect(res.headers['transfer-encoding']).toBe('chunked');
  });

  it('streams more pieces chunked, in order', async () => {
    const res = await request(appSending(() => from('a', 'b', 'c'))).get('/');
    expect(res.text).toBe('abc');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('lets an error of the first piece become the response', async () => {
    const res = await request(
      appSending(async function* () {
        yield* [];
        throw new Error('no answer');
      }),
    ).get('/');
    expect(res.status).toBe(500);
    expect(res.text).toBe('failed: no answer');
  });
});
