// Entry of the store's engine worker. Plain JavaScript so that Node can start it anywhere (vitest,
// src/cli/provml.js): it registers tsx in this thread, then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
