import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ProvStore } from '../store/index.ts';
import type { EventLedger } from '../translate/index.ts';

/** What every route handler may use; built once by createApp. */
export interface AppContext {
  /** The store for every writer but capture: its writes make `events` forget what they may change. */
  store: ProvStore;
  /** Writes capture events idempotently (one per store). */
  events: EventLedger;
  config: Config;
  logger: Logger;
}
