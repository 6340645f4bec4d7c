// A real HTTP server on 127.0.0.1:0 standing in for provml's events endpoint: validates with the capture
// schema, records what it accepted, and can be switched to fail like a server that is down.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { type CaptureEvent, expandSeries, parseNdjson, validateBatch } from '../../src/capture/index.ts';

export type CollectorMode = 'up' | 'unavailable' | 'hang' | 'forbidden';

export interface Collector {
  url: string;
  received: CaptureEvent[];
  requests: number;
  /** Every request's body as it came, in order. */
  bodies: string[];
  /** TCP connections the clients opened. */
  connections: number;
  authorization: Array<string | undefined>;
  mode: CollectorMode;
  /** Answer 413 to batches with more events than this. */
  maxEventsPerRequest: number;
  close(): Promise<void>;
}

export async function startCollector(): Promise<Collector> {
  const state: Omit<Collector, 'url' | 'close'> = {
    received: [],
    requests: 0,
    bodies: [],
    connections: 0,
    authorization: [],
    mode: 'up',
    maxEventsPerRequest: Number.POSITIVE_INFINITY,
  };
  const app = express();
  app.post('/api/v1/events', express.text({ type: 'application/x-ndjson', limit: '10mb' }), (req, res) => {
    state.requests += 1;
    state.bodies.push(String(req.body));
    state.authorization.push(req.headers.authorization);
    if (state.mode === 'hang') return;
    if (state.mode === 'forbidden') {
      res.status(403).type('text/plain').send('The bearer token is wrong.');
      return;
    }
    if (state.mode === 'unavailable') {
      res.status(503).type('text/plain').send('store is recovering');
      return;
    }
    const parsed = parseNdjson(String(req.body));
    if (!parsed.ok) {
      res.status(400).json({ error: 'bad NDJSON', errors: parsed.errors });
      return;
    }
    if (expandSeries(parsed.items).items.length > state.maxEventsPerRequest) {
      res.status(413).type('text/plain').send('too large');
      return;
    }
    const result = validateBatch(parsed.items);
    if (!result.ok) {
      res.status(400).json({ error: `${result.errors.length} invalid event(s)`, errors: result.errors });
      return;
    }
    state.received.push(...result.events);
    res
      .status(202)
      .json({ events: result.events.length, triples: result.events.length * 3, seq: state.requests });
  });
  const server: Server = await new Promise((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const collector = state as Collector;
  server.on('connection', () => {
    collector.connections += 1;
  });
  collector.url = `http://127.0.0.1:${port}`;
  collector.close = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return collector;
}
