import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { type ErrorCode, ProvmlError, QueryTimeoutError } from '../../src/errors.ts';
import { silentLogger } from '../../src/logger.ts';
import {
  errorHandler,
  HTTP_ANSWERS,
  MethodNotAllowedError,
  UnauthorizedError,
} from '../../src/server/errors.ts';

/** An app whose one route throws `error`, answered by the one error handler. */
function answering(error: unknown) {
  const app = express();
  app.get('/x', () => {
    throw error;
  });
  app.use(errorHandler(silentLogger()));
  return request(app).get('/x');
}

describe('errorHandler answers each code from HTTP_ANSWERS', () => {
  it.each(Object.keys(HTTP_ANSWERS) as ErrorCode[])(
    '%s: its status and the message as plain text',
    async (code) => {
      const res = await answering(new ProvmlError(code, `what went wrong (${code})`));
      expect(res.status).toBe(HTTP_ANSWERS[code].status);
      expect(res.type).toBe('text/plain');
      expect(res.text).toBe(`what went wrong (${code})\n`);
      expect(res.headers['retry-after']).toBe([429, 503].includes(res.status) ? '1' : undefined);
    },
  );

  it('401 names the scheme, 405 the allowed methods', async () => {
    const unauthorized = await answering(new UnauthorizedError('send a token'));
    expect(unauthorized.headers['www-authenticate']).toBe('Bearer realm="provml"');
    const notAllowed = await answering(new MethodNotAllowedError('PUT', '/x', ['GET', 'POST']));
    expect(notAllowed.status).toBe(405);
    expect(notAllowed.headers.allow).toBe('GET, POST');
  });

  it('an error carrying findings is answered as JSON { error, errors }', async () => {
    const errors = [{ index: 0, path: '/type', message: 'is required' }];
    const res = await answering(new ProvmlError('Conflict', 'refused', { details: { errors } }));
    expect(res.status).toBe(409);
    expect(res.body).toEqual({ error: 'refused', errors });
  });

  it('a query over its time limit is 503 with Retry-After', async () => {
    const res = await answering(new QueryTimeoutError(10));
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('1');
  });

  it("the body parsers' http-errors become their code; anything else is a 500 that hides the details", async () => {
    const tooLarge = Object.assign(new Error('too big'), { status: 413, type: 'entity.too.large', limit: 5 });
    expect((await answering(tooLarge)).status).toBe(413);
    const charset = Object.assign(new Error('unsupported charset "LATIN1"'), {
      status: 415,
      type: 'charset.unsupported',
    });
    expect((await answering(charset)).status).toBe(415);
    const exposed = Object.assign(new Error('request aborted'), { status: 400, expose: true });
    expect((await answering(exposed)).text).toBe('request aborted\n');
    const bug = await answering(new TypeError('x is undefined'));
    expect(bug.status).toBe(500);
    expect(bug.text).not.toContain('x is undefined');
  });
});
