import { availableParallelism } from 'node:os';

/** Test worker slots; the Virtuoso suite starts one server per slot, so files running at once never share one. */
export const TEST_WORKERS = Math.max(1, Math.min(4, availableParallelism()));
