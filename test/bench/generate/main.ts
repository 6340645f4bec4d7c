// Generates (or finds cached) benchmark data without running the suite:
//   node --import tsx test/bench/generate/main.ts --size 1e6 [--seed N] [--cache DIR]
// Prints the data set's directory and manifest (events.ndjson, data.nq, domain.nq are in that directory).
import { DEFAULT_CACHE_DIR, DEFAULT_SEED, ensureDataset } from './index.ts';

const option = (name: string): string | undefined => {
  const index = process.argv.indexOf(name);
  return index >= 0 ? process.argv[index + 1] : undefined;
};
const target = Number(option('--size') ?? 1e5);
const seed = Number(option('--seed') ?? DEFAULT_SEED);
if (!Number.isFinite(target) || target < 1000 || !Number.isInteger(seed)) {
  process.stderr.write(
    'Usage: node --import tsx test/bench/generate/main.ts --size 1e6 [--seed N] [--cache DIR]\n',
  );
  process.exit(2);
}
const dataset = ensureDataset({
  target: Math.round(target),
  seed,
  cacheDir: option('--cache') ?? DEFAULT_CACHE_DIR,
});
process.stdout.write(
  `${JSON.stringify({ dir: dataset.dir, cached: dataset.cached, ...dataset.manifest }, null, 2)}\n`,
);
