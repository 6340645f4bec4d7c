import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { ProvStore } from '../store/index.ts';

/** What every route handler may use; built once by createApp. */
export interface AppContext {
  store: ProvStore;
  config: Config;
  logger: Logger;
}
