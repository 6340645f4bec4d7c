// Command line of test/bench/virtuoso-compare.ts.

export type BackendName = 'embedded' | 'virtuoso';

export interface CompareArgs {
  /** Target triple count of the generated data set. */
  size: number;
  backends: BackendName[];
  reps: number;
  budgetS: number;
  chunkMb: number;
  /** Virtuoso: bulk-load all but the last facadeTriples triples with its own loader. */
  bulk: boolean;
  facadeTriples: number;
  loaders: number;
  /** Virtuoso NumberOfBuffers (8 KiB pages); MaxDirtyBuffers is 3/4 of it. */
  buffers: number;
  /** Also run the embedded store's facade in process (no HTTP). */
  inProcess: boolean;
  /** Only these catalog queries (empty: all local ones). */
  only: string[];
  /** A catalog directory to run instead of the package's queries/. */
  catalogDir?: string;
  /** Results file: virtuoso-compare-<size>.json for both backends or --beyond, else with a suffix naming the mode. */
  outFile: string;
}

/** The embedded store refuses writes past PROVML_MAX_QUADS (default 10^7) in a server. */
export const EMBEDDED_CEILING = 10_000_000;

const USAGE = `Usage: node --import tsx test/bench/virtuoso-compare.ts [--size 1e6] [--backends embedded,virtuoso]
  [--reps 5] [--budget SECONDS] [--chunk-mb 8] [--buffers PAGES] [--bulk] [--facade-triples 1e6] [--loaders 2]
  [--in-process] [--only name,name] [--catalog DIR] [--out FILE]
  --beyond   Virtuoso only at 2e7 triples, bulk loader plus the last 1e6 triples through the facade`;

export function parseCompareArgs(argv: string[]): CompareArgs {
  const known = [
    '--size',
    '--backends',
    '--reps',
    '--budget',
    '--chunk-mb',
    '--buffers',
    '--bulk',
    '--facade-triples',
    '--loaders',
    '--beyond',
    '--out',
    '--in-process',
    '--only',
    '--catalog',
  ];
  for (const arg of argv)
    if (arg.startsWith('--') && !known.includes(arg)) throw new Error(`Unknown option ${arg}.\n${USAGE}`);
  const beyond = argv.includes('--beyond');
  const text = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    if (index < 0) return undefined;
    const value = argv[index + 1];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value.\n${USAGE}`);
    return value;
  };
  const number = (flag: string, fallback: number): number => {
    const given = text(flag);
    if (given === undefined) return fallback;
    const value = Number(given);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${flag}: expected a positive number.\n${USAGE}`);
    return value;
  };
  const backendsText = text('--backends');
  const backends = (
    backendsText !== undefined ? backendsText.split(',') : beyond ? ['virtuoso'] : ['embedded', 'virtuoso']
  ).map((b) => b.trim());
  for (const backend of backends)
    if (backend !== 'embedded' && backend !== 'virtuoso')
      throw new Error(`--backends: unknown backend '${backend}' (embedded, virtuoso).\n${USAGE}`);
  const size = Math.round(number('--size', beyond ? 2e7 : 1e6));
  if (backends.includes('embedded') && size > EMBEDDED_CEILING * 1.01)
    throw new Error(
      `--size ${size} is beyond the embedded store's ceiling (${EMBEDDED_CEILING} quads): use --backends virtuoso or --beyond.`,
    );
  const buffers = Math.round(number('--buffers', size > EMBEDDED_CEILING ? 1_000_000 : 340_000));
  const bulk = beyond || argv.includes('--bulk');
  const only = (text('--only') ?? '').split(',').filter((name) => name !== '');
  const catalogDir = text('--catalog');
  const standard = beyond || (backends.length === 2 && !bulk && only.length === 0 && !catalogDir);
  const suffix = standard ? '' : `-${backends.join('-')}${bulk ? '-bulk' : ''}`;
  return {
    size,
    backends: backends as BackendName[],
    reps: Math.round(number('--reps', 5)),
    budgetS: number('--budget', 30),
    chunkMb: Math.round(number('--chunk-mb', 8)),
    bulk,
    facadeTriples: Math.round(number('--facade-triples', 1e6)),
    loaders: Math.round(number('--loaders', 2)),
    buffers,
    inProcess: argv.includes('--in-process'),
    only,
    ...(catalogDir ? { catalogDir } : {}),
    outFile: text('--out') ?? `test/bench/results/virtuoso-compare-${size}${suffix}.json`,
  };
}
