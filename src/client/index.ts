// Public entry of the capture client (the package's `provml` and `provml/client` entries): node built-ins only,
// no store or server code.
import { createSink, defaultHost, type RecorderOptions } from './options.ts';
import { Recorder } from './recorder.ts';

// The sender on its own, for `provml ingest` (files of events sent the way the recorder sends them).
export { postLines, type SenderOptions, type SendOutcome } from './http-sender.ts';
export { fetchTransport, keepAliveTransport, type Transport } from './http-transport.ts';
export { DEFAULT_SERVER_URL, type RecorderOptions } from './options.ts';
export { Recorder } from './recorder.ts';
export type * from './recorder-types.ts';
export type { DeliveryOptions, DeliverySummary } from './sink.ts';

/**
 * A recorder sending events to a provml server (`url`, default http://127.0.0.1:7070) or, with `file`, writing
 * them to an NDJSON file offline. Calls return at once; call `close()` before the process ends.
 */
export function createRecorder(options: RecorderOptions = {}): Recorder {
  const { sink, warner } = createSink(options);
  return new Recorder(sink, warner, {
    workflowExecutionId: options.workflowExecutionId,
    idPrefix: options.idPrefix,
    user: options.user,
    persona: options.persona,
    host: defaultHost(options),
    pid: options.pid === undefined ? process.pid : options.pid,
  });
}
