import type { Request, RequestHandler, Response } from 'express';
import { BadRequestError, ProvmlError } from '../../errors.ts';
import type { ProvStore } from '../../store/index.ts';
import type { TouchedGraphs } from '../../translate/index.ts';
import { reportingWrites, workflowExecutionGraph, workflowExecutionIri } from '../../translate/index.ts';
import { urlParams } from '../body.ts';

/** Each workflow execution's graph is GRAPH_BASE wfexec/ID, its node ID_BASE wfexec/ID. */
const GRAPH_PREFIX = workflowExecutionGraph('');
const EXECUTION_PREFIX = workflowExecutionIri('');
/** Open streams at most: each holds a connection. */
const MAX_STREAMS = 64;
const MAX_EXECUTIONS = 100;
const KEEP_ALIVE_MS = 15_000;
const COALESCE_MS = 100;
/** How often a stream looks whether the server stopped listening (it then ends, so shutdown is not held up). */
const SHUTDOWN_CHECK_MS = 1_000;

type Listener = (executions: string[] | undefined) => void;

/** Signals which workflow executions a store write touched, to the streams that watch them. */
export interface WriteSignals {
  /** The same store; after each of its writes, the watchers of the executions whose graphs it touched hear. */
  watch(store: ProvStore): ProvStore;
  /** GET /api/v1/live?execution=IRI…: a server-sent event `ingested` after each write touching one of them. */
  stream: RequestHandler;
}

export function createWriteSignals(): WriteSignals {
  const listeners = new Set<Listener>();
  const touched = (graphs: TouchedGraphs): void => {
    const executions = graphs
      ?.filter((graph) => graph.startsWith(GRAPH_PREFIX))
      .map((graph) => EXECUTION_PREFIX + graph.slice(GRAPH_PREFIX.length));
    for (const listener of listeners) listener(executions);
  };
  const stream: RequestHandler = (req, res, next) => {
    try {
      const watched = new Set(executionsOf(req));
      if (listeners.size >= MAX_STREAMS)
        throw new ProvmlError(
          'Unavailable',
          `Too many live streams are open (${MAX_STREAMS}); poll instead.`,
        );
      openStream(req, res, watched, listeners);
    } catch (error) {
      next(error);
    }
  };
  // Told before and after each write: the page refetches after the second, which sees what was written.
  return { watch: (store) => reportingWrites(store, touched, async () => {}), stream };
}

function executionsOf(req: Request): string[] {
  const executions = urlParams(req).getAll('execution');
  if (executions.length === 0 || executions.length > MAX_EXECUTIONS)
    throw new BadRequestError(`Name 1 to ${MAX_EXECUTIONS} workflow executions: execution=IRI (repeatable).`);
  return executions;
}

/** Only a signal goes out (which executions changed), never data: the page reads it through the API as before. */
function openStream(req: Request, res: Response, watched: Set<string>, listeners: Set<Listener>): void {
  res.status(200);
  res.set({
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write('retry: 2000\nevent: ready\ndata: {}\n\n');
  // Signals within COALESCE_MS go out as one (each write is told before and after, a training posts often).
  const pending = new Set<string>();
  let sending: ReturnType<typeof setTimeout> | undefined;
  const send = (): void => {
    sending = undefined;
    res.write(`event: ingested\ndata: ${JSON.stringify({ execution: [...pending] })}\n\n`);
    pending.clear();
  };
  const listener: Listener = (executions) => {
    const hit = executions === undefined ? [...watched] : executions.filter((e) => watched.has(e));
    for (const execution of hit) pending.add(execution);
    if (hit.length > 0) sending ??= setTimeout(send, COALESCE_MS);
  };
  listeners.add(listener);
  let quiet = 0;
  const timer = setInterval(() => {
    const server = (req.socket as { server?: { listening?: boolean } }).server;
    if (server?.listening === false) {
      // And the connection with it: left idle, it would hold the server's close until keep-alive ran out.
      res.end(() => req.socket.end());
      return;
    }
    quiet += SHUTDOWN_CHECK_MS;
    if (quiet < KEEP_ALIVE_MS) return;
    quiet = 0;
    res.write(': keep-alive\n\n');
  }, SHUTDOWN_CHECK_MS);
  timer.unref();
  res.on('close', () => {
    clearInterval(timer);
    if (sending) clearTimeout(sending);
    listeners.delete(listener);
  });
}
