import { afterAll } from 'vitest';
import { closeTestStores } from './test-store.ts';

// Runs in every file of the Virtuoso suite: close the stores the file opened, so their outboxes drain.
afterAll(closeTestStores, 60_000);
