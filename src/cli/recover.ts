import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { UsageError } from '../errors.ts';
import { createLogger } from '../logger.ts';
import { openDurableStore } from '../store/index.ts';

interface RecoverFlags {
  data?: string;
  config?: string;
  acceptLoss?: boolean;
}

/**
 * `provml recover --accept-loss`: opens a damaged data directory of the embedded store, accepting the
 * loss of what is damaged or missing, and leaves it whole (a checked snapshot, a new MANIFEST). Every
 * file it changes is first kept under damaged-<time>/. Without --accept-loss it only checks.
 */
export function registerRecover(program: Command): void {
  program
    .command('recover')
    .description(
      "Check the embedded store's data directory; with --accept-loss, open it despite damage and make it whole.",
    )
    .option('--data <dir>', 'data directory of the store (env PROVML_DATA, default ./data)')
    .option('--config <file>', 'JSON configuration file (env PROVML_CONFIG)')
    .option(
      '--accept-loss',
      'accept losing the damaged or missing records named at start-up (copies are kept under damaged-<time>/)',
    )
    .action(async (flags: RecoverFlags) => {
      const config = loadConfig({ env: process.env, file: flags.config, flags: { dataDir: flags.data } });
      const logger = createLogger(config.logLevel);
      if (config.store !== 'embedded')
        throw new UsageError('provml recover works on the embedded store (PROVML_STORE=embedded).');
      const store = await openDurableStore({
        dir: config.dataDir,
        acceptLoss: flags.acceptLoss === true,
        logger,
      });
      const stats = await store.stats();
      await store.close();
      process.stderr.write(
        `${config.dataDir}: ${stats.quads} quads, ${flags.acceptLoss ? 'recovered' : 'intact'}; start it with provml serve.\n`,
      );
    });
}
