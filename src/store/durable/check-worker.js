// Entry of the store's write-check thread. Plain JavaScript so that Node can start it anywhere (vitest,
// src/cli/provml.js): it registers tsx in this thread, then loads the TypeScript check loop.
import { register } from 'tsx/esm/api';

register();
await import('./check-worker.ts');
