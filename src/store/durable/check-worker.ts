import { parentPort } from 'node:worker_threads';
import { OxigraphEngine, type WriteOp } from '../engine.ts';
import { toWireError } from './protocol.ts';
import type { CheckAnswer } from './write-checker.ts';

// The write-check thread (see write-checker.ts): parses each write in a throw-away Oxigraph instance, off
// the main thread. A WASM fault while parsing drops that instance (OxigraphEngine.validate does), never this
// thread's next checks.

const port = parentPort;
if (!port) throw new Error('check-worker.ts must run in a worker thread.');

port.on('message', ({ id, op }: { id: number; op: WriteOp }) => {
  let answer: CheckAnswer;
  try {
    answer = { id, ok: true, quads: OxigraphEngine.validate(op) };
  } catch (error) {
    answer = { id, ok: false, error: toWireError(error) };
  }
  port.postMessage(answer);
});
