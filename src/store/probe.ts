import { createRequire } from 'node:module';
import type * as ox from 'oxigraph';

// Writes are checked on the main thread before they are logged. If a check ever hits a fault inside
// WebAssembly (stack overflow, "memory access out of bounds"), the WASM instance it ran in is left in an
// undefined state; when that instance was the main one, every later write failed until a restart. So
// checks run in an Oxigraph instance of their own, loaded from the same package and thrown away after a
// fault; the next check loads a fresh one.

const require = createRequire(import.meta.url);
let probe: typeof ox | undefined;

/** The Oxigraph module instance used for checks (loaded on first use). */
export function probeOxigraph(): typeof ox {
  if (probe) return probe;
  const path = require.resolve('oxigraph');
  const shared = require.cache[path];
  delete require.cache[path];
  try {
    probe = require(path) as typeof ox;
  } finally {
    if (shared) require.cache[path] = shared;
    else delete require.cache[path];
  }
  return probe;
}

/** Forgets the check instance after a WASM fault, so the next check starts from a fresh one. */
export function discardProbe(): void {
  probe = undefined;
}

export const isWasmFault = (error: unknown): boolean =>
  error instanceof Error && error.name === 'RuntimeError';
