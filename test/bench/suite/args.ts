import { join } from 'node:path';
import { DEFAULT_CACHE_DIR, DEFAULT_SEED, REPO_ROOT } from '../generate/index.ts';

export const GROUPS = ['capture', 'ingestion', 'queries', 'recovery', 'concurrency', 'python'] as const;
export type GroupName = (typeof GROUPS)[number];

export interface BenchArgs {
  /** Target triple counts of the generated data sets, ascending. */
  sizes: number[];
  quick: boolean;
  groups: GroupName[];
  seed: number;
  cacheDir: string;
  out: string;
  /** Per query and engine: warm-up plus repetitions stop once this much time is spent; one run longer is a timeout. */
  queryBudgetMs: number;
  /** Repetitions measured per query after warm-up (fewer when the budget runs out). */
  reps: number;
  /** rdflib holds everything in Python objects: sizes above this are reported as skipped. */
  rdflibMaxTriples: number;
}

const USAGE = `Usage: npm run bench -- [--quick | --full | --sizes 1e5,1e6] [--groups capture,ingestion,queries,recovery,concurrency,python]
  [--seed N] [--budget SECONDS] [--reps N] [--rdflib-max TRIPLES] [--out FILE] [--cache DIR]
  --quick   10^5 triples only (a few minutes on 2 cores)
  default   10^5 and 10^6 triples
  --full    10^5, 10^6 and 10^7 triples (long; needs ~8 GB RAM)`;

function parseSize(text: string): number {
  const value = Number(text.trim());
  if (!Number.isFinite(value) || value < 1000)
    throw new Error(`--sizes: '${text}' is not a triple count of at least 1000 (e.g. 1e5).\n${USAGE}`);
  return Math.round(value);
}

export function parseArgs(argv: string[]): BenchArgs {
  const value = (flag: string): string | undefined => {
    const index = argv.indexOf(flag);
    if (index < 0) return undefined;
    const next = argv[index + 1];
    if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value.\n${USAGE}`);
    return next;
  };
  const known = new Set([
    '--quick',
    '--full',
    '--sizes',
    '--groups',
    '--seed',
    '--budget',
    '--reps',
    '--rdflib-max',
    '--out',
    '--cache',
    '--help',
  ]);
  for (const arg of argv)
    if (arg.startsWith('--') && !known.has(arg)) throw new Error(`Unknown option ${arg}.\n${USAGE}`);
  if (argv.includes('--help')) throw new Error(USAGE);
  const quick = argv.includes('--quick');
  const sizesText = value('--sizes');
  const sizes = sizesText
    ? sizesText.split(',').map(parseSize)
    : quick
      ? [1e5]
      : argv.includes('--full')
        ? [1e5, 1e6, 1e7]
        : [1e5, 1e6];
  const groupsText = value('--groups');
  const groups = groupsText ? groupsText.split(',').map((g) => g.trim()) : [...GROUPS];
  for (const group of groups)
    if (!GROUPS.includes(group as GroupName))
      throw new Error(`--groups: unknown group '${group}' (use ${GROUPS.join(', ')}).`);
  const number = (flag: string, fallback: number): number => {
    const text = value(flag);
    const parsed = text === undefined ? fallback : Number(text);
    if (!Number.isFinite(parsed) || parsed <= 0)
      throw new Error(`${flag}: expected a positive number, got '${text}'.`);
    return parsed;
  };
  return {
    sizes: [...new Set(sizes)].sort((a, b) => a - b),
    quick,
    groups: groups as GroupName[],
    seed: number('--seed', DEFAULT_SEED),
    cacheDir: value('--cache') ?? DEFAULT_CACHE_DIR,
    out: value('--out') ?? join(REPO_ROOT, 'bench-results.json'),
    queryBudgetMs: number('--budget', quick ? 5 : 20) * 1000,
    reps: number('--reps', quick ? 7 : 10),
    rdflibMaxTriples: number('--rdflib-max', 1.2e6),
  };
}
