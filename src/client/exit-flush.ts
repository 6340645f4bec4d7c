import type { Recorder } from './recorder.ts';

// Timers are unref'ed so capture never keeps a program alive; in exchange, recorders still open when the event
// loop runs dry are closed here, so a script that forgot close() still delivers (or spills) what it recorded.
const open = new Set<Recorder>();

function onBeforeExit(): void {
  const recorders = [...open];
  open.clear();
  process.off('beforeExit', onBeforeExit);
  for (const recorder of recorders) void recorder.close();
}

export function closeOnExit(recorder: Recorder): void {
  if (open.size === 0) process.on('beforeExit', onBeforeExit);
  open.add(recorder);
}

export function forgetOnClose(recorder: Recorder): void {
  if (!open.delete(recorder)) return;
  if (open.size === 0) process.off('beforeExit', onBeforeExit);
}
