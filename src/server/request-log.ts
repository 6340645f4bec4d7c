import type { RequestHandler } from 'express';
import type { Logger } from '../logger.ts';

const MAX_LOGGED_URL = 300;

/** One structured log line per request, written when the response is finished. */
export function requestLog(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const url =
        req.originalUrl.length > MAX_LOGGED_URL
          ? `${req.originalUrl.slice(0, MAX_LOGGED_URL)}…`
          : req.originalUrl;
      const entry = {
        method: req.method,
        url,
        status: res.statusCode,
        ms: Math.round(ms * 10) / 10,
        peer: req.socket?.remoteAddress,
      };
      if (req.path === '/health') logger.debug(entry, 'request');
      else logger.info(entry, 'request');
    });
    next();
  };
}
