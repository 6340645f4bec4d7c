// Entry of the SPARQL parse thread. Plain JavaScript so that Node can start it anywhere (vitest,
// src/cli/provml.js): it registers tsx in this thread, then loads the TypeScript parse loop.
import { register } from 'tsx/esm/api';

register();
await import('./prepare-worker.ts');
