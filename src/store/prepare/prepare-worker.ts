import { parentPort } from 'node:worker_threads';
import { toWireError } from '../durable/protocol.ts';
import { prepareQuery, prepareUpdate } from './prepare.ts';
import type { PrepareAnswer, PrepareJob } from './prepare-thread.ts';
import { markWildcards } from './rehydrate.ts';

// The SPARQL parse thread (see prepare-thread.ts): prepares each large text exactly as the main thread
// would, and sends the prepared operation back (its tree rebuilt there by rehydrate.ts).

const port = parentPort;
if (!port) throw new Error('prepare-worker.ts must run in a worker thread.');

port.on('message', (job: PrepareJob) => {
  let answer: PrepareAnswer;
  try {
    const prepared =
      job.kind === 'query' ? prepareQuery(job.text, job.options) : prepareUpdate(job.text, job.options);
    markWildcards(prepared.parsed);
    answer = { id: job.id, ok: true, prepared };
  } catch (error) {
    answer = { id: job.id, ok: false, error: toWireError(error) };
  }
  port.postMessage(answer);
});
